#include "wire/demux.h"

namespace rtcgate::wire {

PacketClass classifyPacket(std::span<const uint8_t> datagram) noexcept {
  if (datagram.empty()) return PacketClass::kUnknown;
  const uint8_t b = datagram[0];
  // RFC 7983 §7, the decision tree on the first byte.
  if (b <= 3) return PacketClass::kStun;
  if (b >= 16 && b <= 19) return PacketClass::kZrtp;
  if (b >= 20 && b <= 63) return PacketClass::kDtls;
  if (b >= 64 && b <= 79) return PacketClass::kTurnChannel;
  if (b >= 128 && b <= 191) return PacketClass::kRtpOrRtcp;
  return PacketClass::kUnknown;
}

bool isRtcp(std::span<const uint8_t> datagram) noexcept {
  // RFC 5761 §4: RTCP packet types 192..223 occupy the byte where RTP has M + PT; RTP
  // payload types 64..95 are never used under rtcp-mux so the ranges do not collide.
  return datagram.size() >= 2 && datagram[1] >= 192 && datagram[1] <= 223;
}

}  // namespace rtcgate::wire
