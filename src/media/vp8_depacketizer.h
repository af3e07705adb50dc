#pragma once
// Vp8Depacketizer: reassembles VP8 frames from RTP payloads (RFC 7741 §4).

#include "media/rtp_depacketizer.h"

namespace rtcgate::media {

// VP8 frames from in-order RTP packets: a frame starts at a payload with S=1 and
// partition index 0 (§4.2), its bytes are the payloads after their descriptors, and it is
// a keyframe when the first payload header's P bit is 0 (§4.3).
class Vp8Depacketizer final : public RtpDepacketizer {
 public:
  Vp8Depacketizer() noexcept : RtpDepacketizer(MediaCodec::kVp8, true) {}

 private:
  bool startsFrame(std::span<const uint8_t> payload) const noexcept override;
  bool append(std::span<const uint8_t> payload, MediaFrame& frame) override;
  bool finish(MediaFrame& frame) override;
};

}  // namespace rtcgate::media
