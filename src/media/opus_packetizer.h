#pragma once
// OpusPacketizer: one Opus packet per RTP payload (RFC 7587 §4.2).

#include <cstdint>
#include <span>

#include "base/result.h"
#include "media/rtp_payload.h"

namespace rtcgate::media {

// RFC 7587 §4.2: the payload is exactly one Opus packet, never split or aggregated; the
// marker bit is left clear (§4.1 reserves it for the first packet after a silence, which
// only the sender's DTX logic knows).
class OpusPacketizer {
 public:
  // Writes `frame` into `out`; kNoSpace if it does not fit, kMalformed if empty.
  static Result<PacketizedPayload> packetize(std::span<const uint8_t> frame, std::span<uint8_t> out) noexcept;
};

}  // namespace rtcgate::media
