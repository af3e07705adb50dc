#include "wire/rtcp/compound.h"

#include "base/byte_reader.h"
#include "wire/rtcp/feedback.h"

namespace rtcgate::wire::rtcp {

RtcpKind RtcpPacketRef::kind() const noexcept {
  switch (static_cast<PacketType>(header.packetType)) {
    case PacketType::kSr:
      return RtcpKind::kSr;
    case PacketType::kRr:
      return RtcpKind::kRr;
    case PacketType::kSdes:
      return RtcpKind::kSdes;
    case PacketType::kBye:
      return RtcpKind::kBye;
    case PacketType::kApp:
      return RtcpKind::kApp;
    case PacketType::kXr:
      return RtcpKind::kXr;
    case PacketType::kRtpFeedback:
      if (header.count == static_cast<uint8_t>(RtpFeedbackFmt::kNack)) return RtcpKind::kNack;
      if (header.count == static_cast<uint8_t>(RtpFeedbackFmt::kTransportCc)) return RtcpKind::kTransportCc;
      return RtcpKind::kUnknown;
    case PacketType::kPsFeedback:
      if (header.count == static_cast<uint8_t>(PsFeedbackFmt::kPli)) return RtcpKind::kPli;
      if (header.count == static_cast<uint8_t>(PsFeedbackFmt::kFir)) return RtcpKind::kFir;
      // draft-alvestrand-rmcat-remb §2.2: AFB whose FCI starts with 'REMB'.
      if (header.count == static_cast<uint8_t>(PsFeedbackFmt::kAfb) && header.body.size() >= 12 &&
          loadU32(&header.body[8]) == 0x52454D42) {
        return RtcpKind::kRemb;
      }
      return RtcpKind::kUnknown;
  }
  return RtcpKind::kUnknown;
}

bool CompoundIterator::next(RtcpPacketRef& out) noexcept {
  if (failed_ || pos_ >= data_.size()) return false;
  // RFC 3550 §6.1 / A.2: each sub-packet's length must fit within the datagram.
  auto h = RtcpHeader::parse(data_.subspan(pos_));
  if (!h.ok()) {
    failed_ = true;
    error_ = h.error();
    return false;
  }
  out.header = *h;
  out.packet = data_.subspan(pos_, h->packetSize);
  pos_ += h->packetSize;
  return true;
}

Result<size_t> validateCompound(std::span<const uint8_t> datagram) noexcept {
  if (datagram.empty()) return Error::truncated("rtcp: empty datagram");
  CompoundIterator it(datagram);
  RtcpPacketRef ref;
  size_t n = 0;
  while (it.next(ref)) ++n;
  if (it.failed()) return it.error();
  return n;
}

}  // namespace rtcgate::wire::rtcp
