#pragma once
// VideoCompositor: the video half of a mix. Each source's frames (H.264, VP8, VP9) are
// decoded as they come; on the owner's output clock the compositor draws every source's
// current picture into its region of one canvas (scaled with its aspect ratio kept), a
// placeholder for a source without a picture yet and a border around the active speaker,
// then encodes the canvas once per output codec. No thread of its own: the owner (the mix
// thread) pushes frames as they arrive and calls compose() at the mix frame rate.
//
// Pictures are shown `delayUs` after they arrived, the audio mix's playout delay, in the
// output frame nearest that time (at most half a frame off), so a source's picture and
// sound leave the mix as close together as they came in. A source
// whose frames stop keeps its last picture. After a decode error or a gap a source waits
// for its next keyframe, and asks for one (takeKeyframeRequests).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "codec/ffmpeg_ptr.h"
#include "codec/video_decoder.h"
#include "codec/video_encoder.h"
#include "mcu/layout.h"

namespace rtcgate::mcu {

enum class LayoutKind { kGrid, kSpeaker, kRegions };

struct VideoCompositorOptions {
  int width = 1280;
  int height = 720;
  int fps = 30;
  int bitrateKbps = 0;  // 0: from the canvas size
  int keyframeIntervalMs = 2000;
  int64_t delayUs = 60'000;
  std::vector<media::MediaCodec> codecs = {media::MediaCodec::kH264};
};

struct VideoCompositorStats {
  uint64_t framesIn = 0;
  uint64_t picturesDecoded = 0;
  uint64_t decodeErrors = 0;
  uint64_t framesSkipped = 0;  // waiting for a keyframe
  uint64_t framesOut = 0;
};

class VideoCompositor {
 public:
  // Pictures held per source for the display delay (a source sending faster loses the oldest).
  static constexpr size_t kMaxQueuedPictures = 8;
  // Tiles drawn at most: sources past this many (a big room) are not shown.
  static constexpr size_t kMaxTiles = 16;
  // A source asks for a keyframe at most this often.
  static constexpr int64_t kKeyframeRequestIntervalUs = 1'000'000;

  static Result<std::unique_ptr<VideoCompositor>> create(const VideoCompositorOptions& options);

  // The sources shown, in order (grid and speaker layouts place them in this order; the
  // first kMaxTiles); a source not listed is not drawn, a listed one without frames gets a
  // placeholder.
  void setSources(const std::vector<std::string>& sources);
  // The layout; `regions` only for kRegions (checked with checkRegions by the caller).
  void setLayout(LayoutKind kind, std::vector<Region> regions = {});
  // The source drawn large by the speaker layout and framed in every layout ("" = none).
  void setActiveSpeaker(const std::string& source);
  // Forgets a source's decoder and pictures (it left, or its codec changed).
  void dropSource(const std::string& source);

  // One encoded frame of `source`, due at `nowUs` on the owner's clock (its arrival, or its
  // pts placed on that clock); the pictures it gives are shown `delayUs` after that.
  Status push(const std::string& source, const media::MediaFrame& frame, int64_t nowUs);
  // Draws the canvas for time `nowUs` and encodes it; the frames are stamped `ptsUs`.
  Status compose(int64_t nowUs, int64_t ptsUs, std::vector<media::MediaFrame>& out);
  // The next output frame is a keyframe (a player joined).
  void requestKeyframe() noexcept { keyframeRequested_ = true; }
  // Sources that want a keyframe from their publisher now (each at most once a second).
  std::vector<std::string> takeKeyframeRequests(int64_t nowUs);

  const VideoCompositorStats& stats() const noexcept { return stats_; }
  const VideoCompositorOptions& options() const noexcept { return options_; }
  // The regions as drawn last (for the API).
  const std::vector<Region>& regions() const noexcept { return regions_; }

 private:
  struct Picture {
    int64_t arrivedUs;
    codec::FramePtr frame;
  };
  struct Source {
    media::MediaCodec codec = media::MediaCodec::kVp8;
    std::unique_ptr<codec::VideoDecoder> decoder;
    std::deque<Picture> queue;  // decoded, waiting for their display time
    codec::FramePtr shown;      // the picture on screen now
    SwsContext* scaler = nullptr;
    bool waitKeyframe = true;
    bool wantKeyframe = false;
    int64_t lastRequestUs = INT64_MIN;
    ~Source() { sws_freeContext(scaler); }
  };
  struct Output {
    media::MediaCodec codec;
    std::unique_ptr<codec::VideoEncoder> encoder;
  };

  explicit VideoCompositor(const VideoCompositorOptions& options) : options_(options) {}
  Status decode(Source& s, const media::MediaFrame& frame, int64_t nowUs);
  void relayout();
  void draw(int64_t nowUs);

  VideoCompositorOptions options_;
  std::vector<Output> outputs_;
  codec::FramePtr canvas_;
  std::map<std::string, std::unique_ptr<Source>> sources_;
  std::vector<std::string> order_;
  LayoutKind kind_ = LayoutKind::kGrid;
  std::vector<Region> given_;    // kRegions
  std::vector<Region> regions_;  // what is drawn
  std::string speaker_;
  bool keyframeRequested_ = true;
  VideoCompositorStats stats_;
};

}  // namespace rtcgate::mcu
