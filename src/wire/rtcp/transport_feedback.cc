#include "wire/rtcp/transport_feedback.h"

#include <algorithm>

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

namespace {

constexpr uint8_t kFmt = static_cast<uint8_t>(RtpFeedbackFmt::kTransportCc);
constexpr size_t kFixedFciSize = 8;  // base seq, status count, reference time, fb count
constexpr size_t kRunMax = 0x1FFF;   // 13-bit run length

// Status symbols (§3.1.1).
constexpr uint8_t kNotReceived = 0;
constexpr uint8_t kSmallDelta = 1;
constexpr uint8_t kLargeDelta = 2;

// §3.1.3 run length chunk (T=0) or §3.1.4 status vector chunk (T=1, S selects 1/2-bit).
size_t symbolsIn(uint16_t chunk) noexcept {
  if (!(chunk & 0x8000)) return chunk & kRunMax;
  return (chunk & 0x4000) ? 7 : 14;
}

uint8_t symbolAt(uint16_t chunk, size_t i) noexcept {
  if (!(chunk & 0x8000)) return (chunk >> 13) & 3;
  if (chunk & 0x4000) return (chunk >> (12 - 2 * i)) & 3;
  return (chunk >> (13 - i)) & 1;
}

size_t deltaSize(uint8_t symbol) noexcept {
  return symbol == kSmallDelta ? 1 : symbol == kLargeDelta ? 2 : 0;
}

int64_t floorDiv(int64_t a, int64_t b) noexcept {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

Result<TransportFeedback> TransportFeedback::parse(std::span<const uint8_t> packet) noexcept {
  auto f = FeedbackPacket::parse(packet, PacketType::kRtpFeedback, kFmt);
  if (!f.ok()) return f.error();
  const auto fci = f->fci;
  if (fci.size() < kFixedFciSize) return Error::truncated("twcc: fixed fields");
  TransportFeedback fb;
  fb.senderSsrc_ = f->senderSsrc;
  fb.mediaSsrc_ = f->mediaSsrc;
  fb.baseSeq_ = loadU16(&fci[0]);
  fb.statusCount_ = loadU16(&fci[2]);
  const uint32_t ref = loadU24(&fci[4]);
  fb.referenceTime_ = (ref & 0x800000) ? static_cast<int32_t>(ref | 0xFF000000u) : static_cast<int32_t>(ref);
  fb.fbCount_ = fci[7];
  if (fb.statusCount_ == 0) return Error::malformed("twcc: zero packet status count");
  // Walk chunks until every status is covered, totting up the delta bytes they require.
  size_t pos = kFixedFciSize;
  size_t covered = 0;
  size_t deltaTotal = 0;
  while (covered < fb.statusCount_) {
    if (pos + 2 > fci.size()) return Error::truncated("twcc: packet chunks");
    const uint16_t chunk = loadU16(&fci[pos]);
    pos += 2;
    const size_t n = std::min(symbolsIn(chunk), size_t{fb.statusCount_} - covered);
    if (!(chunk & 0x8000)) {
      const uint8_t s = symbolAt(chunk, 0);
      if (s == 3 && n) return Error::malformed("twcc: reserved status symbol");
      deltaTotal += n * deltaSize(s);
      fb.received_ += s == kNotReceived ? 0 : n;
    } else {
      for (size_t i = 0; i < n; ++i) {
        const uint8_t s = symbolAt(chunk, i);
        if (s == 3) return Error::malformed("twcc: reserved status symbol");
        deltaTotal += deltaSize(s);
        fb.received_ += s == kNotReceived ? 0 : 1;
      }
    }
    covered += n;
  }
  if (pos + deltaTotal > fci.size()) return Error::truncated("twcc: receive deltas");
  fb.chunks_ = fci.subspan(kFixedFciSize, pos - kFixedFciSize);
  fb.deltas_ = fci.subspan(pos, deltaTotal);
  return fb;
}

TransportFeedback::PacketIterator::PacketIterator(const TransportFeedback& fb) noexcept
    : fb_(fb), ticks_(int64_t{fb.referenceTime_} * (kTwccReferenceUnitUs / kTwccDeltaUnitUs)) {}

bool TransportFeedback::PacketIterator::next(TwccPacketStatus& out) noexcept {
  if (index_ >= fb_.statusCount_) return false;
  // Skip run-length chunks of length zero: they carry no status.
  while (2 * chunk_ + 2 <= fb_.chunks_.size() && symbolsIn(loadU16(&fb_.chunks_[2 * chunk_])) == 0) ++chunk_;
  if (2 * chunk_ + 2 > fb_.chunks_.size()) return false;
  const uint16_t chunk = loadU16(&fb_.chunks_[2 * chunk_]);
  const uint8_t s = symbolAt(chunk, inChunk_);
  out = TwccPacketStatus{};
  out.seq = static_cast<uint16_t>(fb_.baseSeq_ + index_);
  if (s == kSmallDelta) {
    out.deltaTicks = fb_.deltas_[deltaPos_];
    deltaPos_ += 1;
  } else if (s == kLargeDelta) {
    out.deltaTicks = static_cast<int16_t>(loadU16(&fb_.deltas_[deltaPos_]));
    deltaPos_ += 2;
  }
  if (s != kNotReceived) {
    out.received = true;
    ticks_ += out.deltaTicks;
    out.arrivalUs = ticks_ * kTwccDeltaUnitUs;
  }
  ++index_;
  if (++inChunk_ >= symbolsIn(chunk)) {
    ++chunk_;
    inChunk_ = 0;
  }
  return true;
}

size_t TransportFeedback::size() const noexcept {
  const size_t body = kFeedbackCommonSize + kFixedFciSize + chunks_.size() + deltas_.size();
  return kHeaderSize + ((body + 3) & ~size_t{3});
}

// Writes the packet header, with the RTCP padding bit when the body needs alignment
// (as libwebrtc does), then the fixed FCI fields.
static bool writeTwccHead(ByteWriter& w, size_t size, size_t unpadded, uint32_t sender, uint32_t media,
                          uint16_t base, uint16_t count, int32_t ref, uint8_t fbCount) noexcept {
  const bool pad = size != unpadded;
  return RtcpHeader::write(w, kFmt, static_cast<uint8_t>(PacketType::kRtpFeedback), size, pad) &&
         w.writeU32(sender) && w.writeU32(media) && w.writeU16(base) && w.writeU16(count) &&
         w.writeU24(static_cast<uint32_t>(ref) & 0xFFFFFF) && w.writeU8(fbCount);
}

static bool writePadding(ByteWriter& w, size_t padding) noexcept {
  if (padding == 0) return true;
  return w.writeZeros(padding - 1) && w.writeU8(static_cast<uint8_t>(padding));
}

bool TransportFeedback::serializeTo(ByteWriter& w) const noexcept {
  const size_t unpadded = kHeaderSize + kFeedbackCommonSize + kFixedFciSize + chunks_.size() + deltas_.size();
  return writeTwccHead(w, size(), unpadded, senderSsrc_, mediaSsrc_, baseSeq_, statusCount_, referenceTime_,
                       fbCount_) &&
         w.writeBytes(chunks_) && w.writeBytes(deltas_) && writePadding(w, size() - unpadded);
}

bool TransportFeedbackBuilder::add(uint16_t seq, std::optional<int64_t> arrivalUs) noexcept {
  size_t gap = 0;
  if (count_ > 0) {
    const uint16_t next = static_cast<uint16_t>(baseSeq_ + count_);
    gap = static_cast<uint16_t>(seq - next);
    if (gap >= 0x8000) return false;  // not newer than what we already hold
  }
  if (count_ + gap + 1 > kMaxPackets) return false;
  int64_t delta = 0;
  int64_t ticks = 0;
  int32_t reference = referenceTime_;
  if (arrivalUs) {
    ticks = floorDiv(*arrivalUs + kTwccDeltaUnitUs / 2, kTwccDeltaUnitUs);
    int64_t last = lastTicks_;
    if (!haveReference_) {
      // §3.1: reference time in 64 ms units; the first delta is relative to it.
      reference = static_cast<int32_t>(floorDiv(*arrivalUs, kTwccReferenceUnitUs));
      last = int64_t{reference} * (kTwccReferenceUnitUs / kTwccDeltaUnitUs);
    }
    delta = ticks - last;
    if (delta < INT16_MIN || delta > INT16_MAX) return false;
  }
  if (count_ == 0) baseSeq_ = seq;
  for (size_t i = 0; i < gap; ++i) {
    status_[count_] = kNotReceived;
    delta_[count_++] = 0;
  }
  if (arrivalUs) {
    haveReference_ = true;
    referenceTime_ = reference;
    lastTicks_ = ticks;
    status_[count_] = (delta >= 0 && delta <= 255) ? kSmallDelta : kLargeDelta;
  } else {
    status_[count_] = kNotReceived;
  }
  delta_[count_++] = static_cast<int16_t>(delta);
  return true;
}

size_t TransportFeedbackBuilder::writeChunks(ByteWriter* w) const noexcept {
  size_t chunks = 0;
  auto emit = [&](uint16_t c) {
    ++chunks;
    if (w) w->writeU16(c);
  };
  size_t i = 0;
  while (i < count_) {
    size_t run = 1;
    while (i + run < count_ && run < kRunMax && status_[i + run] == status_[i]) ++run;
    const size_t m = std::min<size_t>(14, count_ - i);
    const bool oneBit = std::all_of(&status_[i], &status_[i] + m, [](uint8_t s) { return s <= kSmallDelta; });
    if (run >= 14 || (!oneBit && run >= 7)) {
      emit(static_cast<uint16_t>((status_[i] << 13) | run));  // §3.1.3
      i += run;
    } else if (oneBit) {
      uint16_t c = 0x8000;  // §3.1.4, S=0: fourteen 1-bit symbols
      for (size_t k = 0; k < m; ++k) c = static_cast<uint16_t>(c | (status_[i + k] << (13 - k)));
      emit(c);
      i += m;
    } else {
      const size_t n = std::min<size_t>(7, count_ - i);
      uint16_t c = 0xC000;  // §3.1.4, S=1: seven 2-bit symbols
      for (size_t k = 0; k < n; ++k) c = static_cast<uint16_t>(c | (status_[i + k] << (12 - 2 * k)));
      emit(c);
      i += n;
    }
  }
  return chunks;
}

size_t TransportFeedbackBuilder::deltaBytes() const noexcept {
  size_t n = 0;
  for (size_t i = 0; i < count_; ++i) n += deltaSize(status_[i]);
  return n;
}

size_t TransportFeedbackBuilder::size() const noexcept {
  const size_t body = kFeedbackCommonSize + kFixedFciSize + 2 * writeChunks(nullptr) + deltaBytes();
  return kHeaderSize + ((body + 3) & ~size_t{3});
}

bool TransportFeedbackBuilder::serializeTo(ByteWriter& w) const noexcept {
  if (count_ == 0) return false;
  const size_t unpadded =
      kHeaderSize + kFeedbackCommonSize + kFixedFciSize + 2 * writeChunks(nullptr) + deltaBytes();
  const size_t total = (unpadded + 3) & ~size_t{3};
  if (!writeTwccHead(w, total, unpadded, senderSsrc_, mediaSsrc_, baseSeq_, count_, referenceTime_,
                     fbCount_)) {
    return false;
  }
  writeChunks(&w);
  for (size_t i = 0; i < count_; ++i) {
    if (status_[i] == kSmallDelta) w.writeU8(static_cast<uint8_t>(delta_[i]));
    if (status_[i] == kLargeDelta) w.writeU16(static_cast<uint16_t>(delta_[i]));
  }
  return writePadding(w, total - unpadded) && !w.overflowed();
}

}  // namespace rtcgate::wire::rtcp
