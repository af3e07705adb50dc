#pragma once
// First-byte demultiplexing of one UDP port shared by STUN, DTLS, RTP and RTCP.

#include <cstdint>
#include <span>

namespace rtcgate::wire {

// What protocol a datagram on the shared media port carries (RFC 7983 §7).
enum class PacketClass : uint8_t {
  kStun,         // 0..3
  kZrtp,         // 16..19
  kDtls,         // 20..63
  kTurnChannel,  // 64..79
  kRtpOrRtcp,    // 128..191
  kUnknown,
};

// RFC 7983 §7: classifies by the value of the first byte. Empty input is kUnknown.
PacketClass classifyPacket(std::span<const uint8_t> datagram) noexcept;

// RFC 5761 §4: an RTP/RTCP datagram whose second byte is 192..223 is RTCP. Requires at
// least two bytes; shorter input is reported as not RTCP.
bool isRtcp(std::span<const uint8_t> datagram) noexcept;

}  // namespace rtcgate::wire
