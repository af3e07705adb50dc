#pragma once
// FlvMuxer: MediaFrames → FLV tag bodies for an RTMP player or an RTMP push (the FLV ⇄
// frame bridge, egress side).

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
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

 private:
  // (implementation state)
};

}  // namespace rtcgate::media
