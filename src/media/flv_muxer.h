#pragma once
// FlvMuxer: MediaFrames → FLV tag bodies for an RTMP player or an RTMP push (the FLV ⇄
// frame bridge, egress side).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "media/flv_demuxer.h"
#include "media/media_frame.h"

namespace rtcgate::media {

// One FLV tag body ready to go out as an RTMP audio (8) or video (9) message.
struct FlvTag {
  bool video = false;
  uint32_t timestampMs = 0;  // decode time, from the muxer's first frame
  bool keyframe = false;     // video only
  std::vector<uint8_t> body;
};

// Takes H.264 (Annex B, SPS/PPS in-band or as `config`) and AAC (raw, AudioSpecificConfig
// as `config`) frames. Emits the AVC sequence header before the first keyframe and again
// whenever SPS/PPS change, the AAC sequence header before the first audio frame and when
// the config changes. Video starts at a keyframe (earlier frames are dropped and counted).
// Both tracks share one time base, the first frame's dts, so A/V sync is kept; the
// composition time carries pts - dts.
class FlvMuxer {
 public:
  // Appends the tags for `frame` (sequence header first when needed). Frames of other
  // codecs are an error.
  Status push(const MediaFrame& frame, std::vector<FlvTag>& out);
  // A new connection: sequence headers again, wait for a keyframe, keep the time base.
  void restart() noexcept;
  bool waitingForKeyframe() const noexcept;
  uint64_t framesDropped() const noexcept;
  // The tracks as their last sequence headers describe them (for onMetaData), once known.
  std::optional<FlvVideoInfo> video() const noexcept;
  std::optional<FlvAudioInfo> audio() const noexcept;

 private:
  Status pushVideo(const MediaFrame& frame, std::vector<FlvTag>& out);
  Status pushAudio(const MediaFrame& frame, std::vector<FlvTag>& out);
  // Takes the first SPS and PPS of an Annex B buffer into sps_/pps_; false if either is missing.
  bool takeParameterSets(std::span<const uint8_t> annexB);
  Status emitAvcSequenceHeader(uint32_t timestampMs, std::vector<FlvTag>& out);
  // FLV milliseconds of a frame time: relative to the first frame, floored, never negative.
  uint32_t flvTime(int64_t us) noexcept;

  bool haveBase_ = false;
  int64_t baseUs_ = 0;
  bool haveLast_ = false;
  int64_t lastRelUs_ = 0;  // latest output time so far, relative to baseUs_
  bool haveVideoMs_ = false;
  uint32_t lastVideoMs_ = 0;  // decode time of the last video tag
  bool waitingForKeyframe_ = true;
  uint64_t framesDropped_ = 0;
  std::vector<uint8_t> sps_, pps_;  // latest known parameter sets (NAL units, no start code)
  bool avcHeaderSent_ = false;      // a sequence header for sps_/pps_ went out on this connection
  std::vector<uint8_t> aacConfig_;  // AudioSpecificConfig of the last AAC sequence header
  bool aacHeaderSent_ = false;
  std::optional<FlvVideoInfo> video_;
  std::optional<FlvAudioInfo> audio_;
};

}  // namespace rtcgate::media
