#pragma once
// FlvDemuxer: an RTMP publisher's FLV tag bodies → MediaFrames (the FLV ⇄ frame bridge,
// ingest side).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "base/seq_num.h"
#include "media/media_frame.h"

namespace rtcgate::wire::rtmp {
struct VideoTag;
struct AudioTag;
}  // namespace rtcgate::wire::rtmp

namespace rtcgate::media {

// What the publisher's video is, as far as its tags have told.
struct FlvVideoInfo {
  MediaCodec codec = MediaCodec::kH264;
  uint16_t width = 0, height = 0;  // from the SPS when it parses, else 0
  uint8_t profileIdc = 0;          // H.264 profile_idc (66 Baseline, 77 Main, 100 High)
  uint8_t constraintFlags = 0;     // H.264 constraint_set flags byte
  double frameRate = 0;            // from the SPS VUI timing info when present, else 0
  bool reorders = false;           // a non-zero composition time was seen (B-frames)
};

// What the publisher's audio is.
struct FlvAudioInfo {
  MediaCodec codec = MediaCodec::kAac;
  uint32_t sampleRate = 0;
  uint8_t channels = 0;
};

// Turns tag bodies (RTMP message types 9 and 8, with their RTMP timestamps) into frames:
// H.264 (legacy AVC or Enhanced RTMP avc1) → Annex B access units, SPS/PPS from the
// sequence header set as `config` on keyframes; AAC → raw access units with the
// AudioSpecificConfig as `config`; Enhanced RTMP Opus, VP9 and AV1 → their frames.
// Timestamps: dts = the RTMP timestamp (unwrapped past 2^32 ms), pts = dts + composition
// time, both in microseconds. Frames before their codec's sequence header are dropped.
class FlvDemuxer {
 public:
  // Appends the frames a tag yields (zero or one); an error says why the tag is unusable
  // (truncated, codec not supported, coded frames before any sequence header is fine: 0 frames).
  Status pushVideo(uint32_t timestampMs, std::span<const uint8_t> body, std::vector<MediaFrame>& out);
  Status pushAudio(uint32_t timestampMs, std::span<const uint8_t> body, std::vector<MediaFrame>& out);

  std::optional<FlvVideoInfo> video() const noexcept;  // after the video sequence header
  std::optional<FlvAudioInfo> audio() const noexcept;  // after the audio sequence header

 private:
  Status videoSequenceHeader(const wire::rtmp::VideoTag& tag);
  Status avcSequenceHeader(std::span<const uint8_t> record);
  Status videoFrame(const wire::rtmp::VideoTag& tag, int64_t dtsUs, std::vector<MediaFrame>& out);
  Status avcFrame(const wire::rtmp::VideoTag& tag, MediaFrame& frame) const;
  Status audioSequenceHeader(const wire::rtmp::AudioTag& tag);
  // Microseconds of an RTMP timestamp, unwrapped past 2^32 ms on one clock for both tracks.
  int64_t unwrapUs(uint32_t timestampMs) noexcept;

  TimestampUnwrapper timestamps_;
  std::optional<FlvVideoInfo> video_;
  std::optional<FlvAudioInfo> audio_;
  bool reorders_ = false;          // sticky across sequence headers: the encoder is the same
  uint8_t nalLengthSize_ = 4;      // from the AVCDecoderConfigurationRecord
  std::vector<uint8_t> videoConfig_;  // H.264: SPS and PPS, Annex B
  std::vector<uint8_t> audioConfig_;  // AAC: the AudioSpecificConfig as received
};

}  // namespace rtcgate::media
