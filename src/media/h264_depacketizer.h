#pragma once
// H264Depacketizer: reassembles H.264 access units from RTP payloads (RFC 6184,
// packetization-mode 1).

#include <string_view>
#include <vector>

#include "base/result.h"
#include "media/rtp_depacketizer.h"

namespace rtcgate::media {

// Annex B access units (4-byte start codes) from in-order RTP packets carrying single NAL
// units (§5.6), STAP-A (§5.7.1) and FU-A (§5.8). STAP-B, MTAP and FU-B (interleaved mode)
// are rejected. An access unit is a keyframe when it holds an IDR slice; the SPS and PPS
// last seen (in band, or from sprop-parameter-sets) are inserted before an IDR that does
// not bring both, and set as the keyframe's MediaFrame::config.
//
// After a loss the next complete access unit is delivered with afterLoss set even if it
// is not an IDR: whether to wait for one is the consumer's choice.
class H264Depacketizer final : public RtpDepacketizer {
 public:
  H264Depacketizer() noexcept : RtpDepacketizer(MediaCodec::kH264, false) {}

  // RFC 6184 §8.1 sprop-parameter-sets: comma-separated base64 NAL units (SPS and PPS).
  // kMalformed on bad base64 or a NAL unit that is neither; nothing is kept then.
  Status setSpropParameterSets(std::string_view value);

  bool hasParameterSets() const noexcept { return !sps_.empty() && !pps_.empty(); }

 private:
  bool startsFrame(std::span<const uint8_t> payload) const noexcept override;
  bool append(std::span<const uint8_t> payload, MediaFrame& frame) override;
  bool finish(MediaFrame& frame) override;
  void discard() noexcept override;

  bool appendStapA(std::span<const uint8_t> payload, MediaFrame& frame);
  bool appendFuA(std::span<const uint8_t> payload, MediaFrame& frame);
  void noteNal(std::span<const uint8_t> nal);
  void injectParameterSets(MediaFrame& frame) const;

  std::vector<uint8_t> sps_;  // NAL units without start codes
  std::vector<uint8_t> pps_;
  bool inFragment_ = false;  // an FU-A started and has not ended
  bool sawIdr_ = false;
  bool sawSps_ = false;
  bool sawPps_ = false;
};

}  // namespace rtcgate::media
