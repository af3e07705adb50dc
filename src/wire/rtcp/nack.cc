#include "wire/rtcp/nack.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

size_t buildNackPairs(std::span<const uint16_t> lost, std::span<NackPair> out) noexcept {
  size_t n = 0;
  for (size_t i = 0; i < lost.size();) {
    if (n == out.size()) break;
    NackPair p{lost[i], 0};
    size_t j = i + 1;
    // Later losses within 16 of the PID go into the bitmask (RFC 4585 §6.2.1).
    for (; j < lost.size(); ++j) {
      const uint16_t diff = static_cast<uint16_t>(lost[j] - p.pid);
      if (diff == 0) continue;  // duplicate
      if (diff > 16) break;
      p.blp = static_cast<uint16_t>(p.blp | (1u << (diff - 1)));
    }
    out[n++] = p;
    i = j;
  }
  return n;
}

size_t expandNackPairs(std::span<const NackPair> pairs, std::span<uint16_t> out) noexcept {
  size_t n = 0;
  for (const NackPair& p : pairs) {
    if (n == out.size()) return n;
    out[n++] = p.pid;
    for (unsigned bit = 0; bit < 16; ++bit) {
      if (!(p.blp & (1u << bit))) continue;
      if (n == out.size()) return n;
      out[n++] = static_cast<uint16_t>(p.pid + bit + 1);
    }
  }
  return n;
}

bool Nack::setLost(std::span<const uint16_t> lost) noexcept {
  count = static_cast<uint16_t>(buildNackPairs(lost, pairs));
  if (lost.empty()) return true;
  // Input is ascending, so everything fitted iff the last pair covers the last loss.
  const NackPair& last = pairs[count - 1];
  const uint16_t diff = static_cast<uint16_t>(lost.back() - last.pid);
  return diff == 0 || (diff <= 16 && (last.blp & (1u << (diff - 1))));
}

Result<Nack> Nack::parse(std::span<const uint8_t> packet) noexcept {
  auto f =
      FeedbackPacket::parse(packet, PacketType::kRtpFeedback, static_cast<uint8_t>(RtpFeedbackFmt::kNack));
  if (!f.ok()) return f.error();
  if (f->fci.size() % 4 != 0) return Error::malformed("rtcp: NACK FCI not a multiple of 4");
  const size_t n = f->fci.size() / 4;
  if (n == 0) return Error::malformed("rtcp: NACK without pairs");
  if (n > kMaxPairs) return Error::unsupported("rtcp: NACK with too many pairs");
  Nack nack;
  nack.senderSsrc = f->senderSsrc;
  nack.mediaSsrc = f->mediaSsrc;
  for (size_t i = 0; i < n; ++i) {
    nack.pairs[i] = NackPair{loadU16(&f->fci[4 * i]), loadU16(&f->fci[4 * i + 2])};
  }
  nack.count = static_cast<uint16_t>(n);
  return nack;
}

bool Nack::serializeTo(ByteWriter& w) const noexcept {
  if (count == 0) return false;
  if (!FeedbackPacket::writeHeader(w, PacketType::kRtpFeedback, static_cast<uint8_t>(RtpFeedbackFmt::kNack),
                                   senderSsrc, mediaSsrc, 4u * count)) {
    return false;
  }
  for (size_t i = 0; i < count; ++i) {
    w.writeU16(pairs[i].pid);
    w.writeU16(pairs[i].blp);
  }
  return !w.overflowed();
}

}  // namespace rtcgate::wire::rtcp
