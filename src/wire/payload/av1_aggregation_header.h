#pragma once
// Av1AggregationHeader: the first byte of an AV1 RTP payload (AV1 RTP payload format
// specification, §4.4), enough to find where a new coded video sequence starts.

#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::payload {

// The aggregation header's flags. OBUs themselves are not walked: a forwarder only needs
// to know whether a subscriber can start decoding at this packet.
struct Av1AggregationHeader {
  bool continuesFragment = false;  // Z: the first OBU element continues one from the previous packet
  bool fragmentContinues = false;  // Y: the last OBU element continues in the next packet
  uint8_t obuCount = 0;            // W: OBU elements (0 = each carries a length field)
  bool newSequence = false;        // N: first packet of a coded video sequence

  // A keyframe with its sequence header starts here.
  bool keyframeStart() const noexcept { return newSequence && !continuesFragment; }

  // Needs the header byte and at least one byte of OBU data after it.
  static Result<Av1AggregationHeader> parse(std::span<const uint8_t> rtpPayload) noexcept;
};

}  // namespace rtcgate::wire::payload
