#pragma once
// RTX retransmission payload format (RFC 4588 §4): wrap and unwrap original packets.

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rtp {

// The RTX stream fields that replace the original's (RFC 4588 §4).
struct RtxParams {
  uint32_t ssrc = 0;
  uint8_t payloadType = 0;
  uint16_t sequenceNumber = 0;
};

// The original stream fields restored when unwrapping (from SDP apt= and the SSRC group).
struct OriginalParams {
  uint32_t ssrc = 0;
  uint8_t payloadType = 0;
};

// Size of the RTX packet buildRtx() would write: original minus padding plus 2 (OSN).
Result<size_t> rtxSize(std::span<const uint8_t> original) noexcept;

// RFC 4588 §4: copies the original header (CSRCs, extensions), substitutes SSRC, PT and
// seq, inserts the original sequence number (OSN) before the payload, drops padding.
// `out` must not overlap `original`.
Result<size_t> buildRtx(std::span<const uint8_t> original, const RtxParams& rtx,
                        std::span<uint8_t> out) noexcept;

// RFC 4588 §4: restores the original packet from an RTX packet (OSN becomes the sequence
// number, SSRC and PT from `orig`); padding is dropped. `out` may alias `rtx` exactly.
Result<size_t> recoverFromRtx(std::span<const uint8_t> rtx, const OriginalParams& orig,
                              std::span<uint8_t> out) noexcept;

}  // namespace rtcgate::wire::rtp
