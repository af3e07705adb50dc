#pragma once
// AudioDecoder: AAC (raw access units) and Opus packets in, PCM frames out (libavcodec).

#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "codec/ffmpeg_ptr.h"
#include "media/media_frame.h"

namespace rtcgate::codec {

// One libavcodec audio decoder. AAC needs its AudioSpecificConfig (a frame's `config`)
// before the first access unit and reopens when it changes; Opus decodes as 48 kHz stereo.
class AudioDecoder {
 public:
  static Result<std::unique_ptr<AudioDecoder>> create(media::MediaCodec codec);

  // Feeds one frame: kState for AAC before any config, kMalformed when rejected.
  Status send(const media::MediaFrame& in);
  // The next decoded PCM frame, or nullptr when none is ready. Valid until the next call.
  AVFrame* receive();

 private:
  AudioDecoder(media::MediaCodec codec, const AVCodec* dec, PacketPtr packet, FramePtr pcm);
  Status open(const std::vector<uint8_t>& config);

  media::MediaCodec codec_;
  const AVCodec* dec_;
  CodecContextPtr ctx_;
  PacketPtr packet_;
  FramePtr pcm_;
  std::vector<uint8_t> config_;  // the AudioSpecificConfig the decoder was opened with
  std::vector<uint8_t> scratch_;  // the access unit, padded as libavcodec requires
};

}  // namespace rtcgate::codec
