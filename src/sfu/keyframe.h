#pragma once
// Keyframe detection on RTP payloads, per codec: a subscriber starts (and switches simulcast
// layers) only on the first packet of a keyframe.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "media/media_frame.h"

namespace rtcgate::sfu {

using media::MediaCodec;
// True when `payload` is the first packet of a keyframe (VP8: RFC 7741 §4.3; H.264: an IDR
// or SPS in a single NAL, STAP-A or the start of an FU-A, RFC 6184; VP9: RFC 9628 §4.2).
bool isKeyframeStart(std::optional<MediaCodec> codec, std::span<const uint8_t> payload) noexcept;

// Coded width x height carried by the first packet of a keyframe, where the codec puts it
// in the first bytes (VP8: RFC 6386 §9.1); nullopt otherwise.
struct FrameSize {
  uint16_t width = 0;
  uint16_t height = 0;
};
std::optional<FrameSize> keyframeSize(std::optional<MediaCodec> codec, std::span<const uint8_t> payload) noexcept;

}  // namespace rtcgate::sfu
