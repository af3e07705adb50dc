#include "wire/rtcp/xr.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

namespace {

constexpr size_t kBlockHeaderSize = 4;
constexpr size_t kRrtrSize = 8;
constexpr size_t kDlrrItemSize = 12;

Status decodeBlock(const XrBlock& b, Xr& xr) noexcept {
  if (b.blockType == static_cast<uint8_t>(XrBlockType::kReceiverReferenceTime)) {
    // RFC 3611 §4.4: block length 2, one NTP timestamp.
    if (b.body.size() != kRrtrSize) return Error::malformed("xr: RRTR length is not 2");
    xr.rrtrNtp = (uint64_t{loadU32(b.body.data())} << 32) | loadU32(b.body.data() + 4);
  } else if (b.blockType == static_cast<uint8_t>(XrBlockType::kDlrr)) {
    // RFC 3611 §4.5: a multiple of three words, one sub-block per receiver.
    if (b.body.size() % kDlrrItemSize != 0) return Error::malformed("xr: DLRR length not a multiple of 3");
    for (size_t off = 0; off < b.body.size(); off += kDlrrItemSize) {
      const uint8_t* p = b.body.data() + off;
      xr.addDlrr(DlrrItem{loadU32(p), loadU32(p + 4), loadU32(p + 8)});
    }
  }
  return {};
}

}  // namespace

bool XrBlockIterator::next(XrBlock& out) noexcept {
  if (pos_ >= data_.size()) return false;
  if (pos_ + kBlockHeaderSize > data_.size()) {
    malformed_ = true;
    pos_ = data_.size();
    return false;
  }
  const size_t len = 4u * loadU16(&data_[pos_ + 2]);
  if (pos_ + kBlockHeaderSize + len > data_.size()) {
    malformed_ = true;
    pos_ = data_.size();
    return false;
  }
  out = XrBlock{data_[pos_], data_[pos_ + 1], data_.subspan(pos_ + kBlockHeaderSize, len)};
  pos_ += kBlockHeaderSize + len;
  return true;
}

bool Xr::addDlrr(const DlrrItem& item) noexcept {
  if (dlrrCount >= kMaxDlrrItems) return false;
  dlrr[dlrrCount++] = item;
  return true;
}

Result<Xr> Xr::parse(std::span<const uint8_t> packet) noexcept {
  auto h = RtcpHeader::parse(packet);
  if (!h.ok()) return h.error();
  if (h->packetType != static_cast<uint8_t>(PacketType::kXr)) return Error::malformed("rtcp: not XR");
  if (h->body.size() < 4) return Error::truncated("xr: sender SSRC");
  Xr xr;
  xr.senderSsrc = loadU32(h->body.data());
  XrBlockIterator it(h->body.subspan(4));
  XrBlock b;
  while (it.next(b)) RTCGATE_TRY(decodeBlock(b, xr));
  if (it.malformed()) return Error::malformed("xr: block overruns packet");
  return xr;
}

size_t Xr::size() const noexcept {
  size_t n = kHeaderSize + 4;
  if (rrtrNtp) n += kBlockHeaderSize + kRrtrSize;
  if (dlrrCount) n += kBlockHeaderSize + kDlrrItemSize * dlrrCount;
  return n;
}

bool Xr::serializeTo(ByteWriter& w) const noexcept {
  if (!RtcpHeader::write(w, 0, static_cast<uint8_t>(PacketType::kXr), size()) || !w.writeU32(senderSsrc)) {
    return false;
  }
  if (rrtrNtp) {
    w.writeU8(static_cast<uint8_t>(XrBlockType::kReceiverReferenceTime));
    w.writeU8(0);
    w.writeU16(2);
    w.writeU64(*rrtrNtp);
  }
  if (dlrrCount) {
    w.writeU8(static_cast<uint8_t>(XrBlockType::kDlrr));
    w.writeU8(0);
    w.writeU16(static_cast<uint16_t>(3 * dlrrCount));
    for (size_t i = 0; i < dlrrCount; ++i) {
      w.writeU32(dlrr[i].ssrc);
      w.writeU32(dlrr[i].lastRr);
      w.writeU32(dlrr[i].delaySinceLastRr);
    }
  }
  return !w.overflowed();
}

}  // namespace rtcgate::wire::rtcp
