#include "wire/rtcp/feedback.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

Result<FeedbackPacket> FeedbackPacket::parse(std::span<const uint8_t> packet, PacketType pt,
                                             uint8_t fmt) noexcept {
  auto h = RtcpHeader::parse(packet);
  if (!h.ok()) return h.error();
  if (h->packetType != static_cast<uint8_t>(pt) || h->count != fmt) {
    return Error::malformed("rtcp: unexpected feedback type");
  }
  if (h->body.size() < kFeedbackCommonSize) return Error::truncated("rtcp: feedback SSRCs");
  FeedbackPacket f;
  f.fmt = h->count;
  f.packetType = h->packetType;
  f.senderSsrc = loadU32(h->body.data());
  f.mediaSsrc = loadU32(h->body.data() + 4);
  f.fci = h->body.subspan(kFeedbackCommonSize);
  return f;
}

bool FeedbackPacket::writeHeader(ByteWriter& w, PacketType pt, uint8_t fmt, uint32_t senderSsrc,
                                 uint32_t mediaSsrc, size_t fciSize) noexcept {
  return RtcpHeader::write(w, fmt, static_cast<uint8_t>(pt), kHeaderSize + kFeedbackCommonSize + fciSize) &&
         w.writeU32(senderSsrc) && w.writeU32(mediaSsrc);
}

}  // namespace rtcgate::wire::rtcp
