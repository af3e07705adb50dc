#pragma once
// H.264 RTP payload inspection for keyframes (RFC 6184 §5.6–§5.8).

#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::payload {

// What one H.264 RTP payload carries that matters to a forwarder deciding where a
// subscriber may start decoding.
struct H264PayloadInfo {
  uint8_t packetType = 0;  // NAL unit type of the RTP payload header (1–23, 24 STAP-A, 28 FU-A)
  bool hasIdr = false;     // an IDR slice (type 5), or the start of one in an FU-A
  bool hasSps = false;     // a sequence parameter set (type 7)
  bool hasPps = false;     // a picture parameter set (type 8)

  // A decoder can start here: an IDR slice or an SPS (which precedes an IDR in practice).
  bool keyframe() const noexcept { return hasIdr || hasSps; }

  // Single NAL unit (§5.6), STAP-A (§5.7.1) and FU-A (§5.8) payloads, as used by
  // packetization-mode 1. Other aggregation types are reported as kUnsupported.
  static Result<H264PayloadInfo> parse(std::span<const uint8_t> rtpPayload) noexcept;
};

}  // namespace rtcgate::wire::payload
