#pragma once
// VideoEncoder: pictures in, browser-safe H.264 (x264, Constrained Baseline) or VP8
// (libvpx) frames out, for one fixed picture size.

#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "codec/ffmpeg_ptr.h"
#include "codec/transcode_spec.h"
#include "media/media_frame.h"

namespace rtcgate::codec {

// One libavcodec video encoder tuned for real time: no B-frames, no lookahead, so every
// picture in gives at most one frame out at once, with pts = dts = the picture's pts.
class VideoEncoder {
 public:
  // `fps` is the input's frame rate as far as known (rate control, keyframe backstop).
  static Result<std::unique_ptr<VideoEncoder>> create(const TranscodeSpec& spec, int width,
                                                      int height, double fps);

  // Encodes a yuv420p `picture` of this encoder's size at `ptsUs`, forced to an IDR when
  // `keyframe`. H.264 keyframes carry SPS/PPS in band and as `config`. kInternal on failure.
  Status encode(AVFrame* picture, int64_t ptsUs, bool keyframe,
                std::vector<media::MediaFrame>& out);

  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }

 private:
  VideoEncoder(media::MediaCodec codec, CodecContextPtr ctx, PacketPtr packet);
  void appendPacket(std::vector<media::MediaFrame>& out);

  media::MediaCodec codec_;
  CodecContextPtr ctx_;
  PacketPtr packet_;
  int width_;
  int height_;
  std::vector<uint8_t> parameterSets_;  // the last SPS + PPS seen (H.264), Annex B
};

// The default bitrate for a picture size: about 0.1 bit per pixel at 30 fps.
int64_t defaultVideoBitrate(int width, int height) noexcept;

}  // namespace rtcgate::codec
