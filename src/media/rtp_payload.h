#pragma once
// What a packetizer writes per RTP packet, shared by the per-codec packetizers.

#include <cstddef>

namespace rtcgate::media {

// Room for RTP payload in a ~1200-byte datagram after the RTP header, header extensions
// and the SRTP tag: what browsers fit in a path MTU without fragmenting.
inline constexpr size_t kDefaultMaxRtpPayload = 1100;

// One payload written into a caller's buffer: its size and the RTP marker bit it needs
// (set on the last packet of a video frame).
struct PacketizedPayload {
  size_t size = 0;
  bool marker = false;
};

}  // namespace rtcgate::media
