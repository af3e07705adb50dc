#pragma once
// The load tool's use of the project's payload formats (media/ packetizers, wire/payload
// inspection): a clip's frames cut into owned payloads once, ahead of sending, and the
// keyframe check subscribers make on what they receive.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/rtp_payload.h"
#include "media_source.h"

namespace rtcgate::load {

inline constexpr size_t kMaxRtpPayload = media::kDefaultMaxRtpPayload;

// One RTP payload of a frame; `marker` is set on the last packet of a video frame.
struct RtpPayload {
  std::vector<uint8_t> bytes;
  bool marker = false;
};

// A VP8 frame (RFC 7741) or an H.264 access unit in Annex B (RFC 6184 mode 1) as RTP
// payloads. VP8 PictureIDs are left 0, for the publisher to number per send
// (media::Vp8Packetizer::setPictureId). Empty if the frame cannot be packetized.
std::vector<RtpPayload> packetizeVideo(VideoCodec codec, std::span<const uint8_t> frame,
                                       size_t maxPayload = kMaxRtpPayload);

// True when the payload begins a keyframe (VP8: S=1, partition 0, P=0; H.264: an IDR
// slice or an SPS, which opens one in our stream and in browsers').
bool isKeyframeStart(VideoCodec codec, std::span<const uint8_t> payload) noexcept;

}  // namespace rtcgate::load
