#pragma once
// VideoDecoder: H.264 (Annex B), VP8 and VP9 frames in, decoded pictures out (libavcodec).

#include <memory>
#include <span>
#include <vector>

#include "base/result.h"
#include "codec/ffmpeg_ptr.h"
#include "media/media_frame.h"

namespace rtcgate::codec {

// One libavcodec video decoder. Pictures come out in presentation order (an H.264 stream
// with B-frames holds some back), each stamped with its input frame's pts in µs.
class VideoDecoder {
 public:
  // Largest picture decoded (4096x2304); a bigger one is a decode error.
  static constexpr int64_t kMaxPixels = 4096 * 2304;

  static Result<std::unique_ptr<VideoDecoder>> create(media::MediaCodec codec);

  // Feeds one access unit; kMalformed when the decoder rejects it.
  Status send(const media::MediaFrame& in);
  // The next decoded picture, or nullptr when none is ready. Valid until the next call.
  AVFrame* receive();

 private:
  VideoDecoder(media::MediaCodec codec, CodecContextPtr ctx, PacketPtr packet, FramePtr picture);
  std::span<const uint8_t> withParameterSets(const media::MediaFrame& in);

  media::MediaCodec codec_;
  CodecContextPtr ctx_;
  PacketPtr packet_;
  FramePtr picture_;
  std::vector<uint8_t> scratch_;  // config + data when a keyframe came without SPS/PPS
};

}  // namespace rtcgate::codec
