#pragma once
// FrameSink: a consumer of a stream's media frames — an RTMP player, an RTMP push, the RTP
// output of a frame-fed stream — and the codecs it takes.

#include <memory>
#include <string_view>

#include "media/media_frame.h"

namespace rtcgate::sfu {

// The codec a sink takes for each kind. A source in another codec reaches it through a
// transcoded rendition.
struct FrameWants {
  media::MediaCodec video = media::MediaCodec::kH264;
  media::MediaCodec audio = media::MediaCodec::kAac;
  // Video must decode in presentation order (browsers): H.264 only when the source's
  // profile has no B-frames; otherwise a re-encoded rendition.
  bool inOrderVideo = false;
  // Audio only (an audio mix's input): no video frame reaches the sink, and no video
  // rendition is made or kept for it.
  bool noVideo = false;
  // Frames in whatever codec the source sends (a mixer decodes them all): no rendition
  // is made for it; `video` and `audio` are not looked at.
  bool anyCodec = false;
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual const FrameWants& wants() const noexcept = 0;
  // One frame, shared with every other sink of the same rendition (do not modify).
  virtual void onFrame(const std::shared_ptr<const media::MediaFrame>& frame) = 0;
  // The stream is over (its publisher ended it or did not come back); no frames follow.
  virtual void onStreamEnded(std::string_view reason) = 0;
};

}  // namespace rtcgate::sfu
