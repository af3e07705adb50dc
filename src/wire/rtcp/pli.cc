#include "wire/rtcp/pli.h"

namespace rtcgate::wire::rtcp {

Result<Pli> Pli::parse(std::span<const uint8_t> packet) noexcept {
  auto f = FeedbackPacket::parse(packet, PacketType::kPsFeedback, static_cast<uint8_t>(PsFeedbackFmt::kPli));
  if (!f.ok()) return f.error();
  return Pli{f->senderSsrc, f->mediaSsrc};
}

bool Pli::serializeTo(ByteWriter& w) const noexcept {
  return FeedbackPacket::writeHeader(w, PacketType::kPsFeedback, static_cast<uint8_t>(PsFeedbackFmt::kPli),
                                     senderSsrc, mediaSsrc, 0);
}

}  // namespace rtcgate::wire::rtcp
