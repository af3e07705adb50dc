#pragma once
// AudioBlockDecoder: Opus or AAC frames in, 20 ms blocks of 48 kHz 16-bit interleaved PCM
// out, each stamped with its time on the source's clock — the input of an audio mix.
// Block time is anchored at the first frame and advances by samples; a jump of more than
// 200 ms in the input (a gap, a restart) anchors it again.

#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "codec/audio_decoder.h"
#include "codec/audio_resampler.h"
#include "codec/ffmpeg_ptr.h"
#include "media/media_frame.h"

namespace rtcgate::codec {

struct PcmBlock {
  int64_t ptsUs = 0;
  std::vector<int16_t> samples;  // 960 × channels
};

class AudioBlockDecoder {
 public:
  static constexpr int kRate = 48000;
  static constexpr int kBlockFrames = 960;

  static Result<std::unique_ptr<AudioBlockDecoder>> create(media::MediaCodec codec, int channels);
  ~AudioBlockDecoder();

  // Decodes `frame` and appends every block it completes to `out`.
  Status push(const media::MediaFrame& frame, std::vector<PcmBlock>& out);
  int channels() const noexcept { return channels_; }

 private:
  AudioBlockDecoder(std::unique_ptr<AudioDecoder> decoder, AudioFifoPtr fifo, int channels,
                    const AVChannelLayout& layout);

  std::unique_ptr<AudioDecoder> decoder_;
  AudioFifoPtr fifo_;
  int channels_;
  AudioResampler resampler_;
  bool anchored_ = false;
  int64_t anchorUs_ = 0;            // time of the FIFO's first sample when anchored
  int64_t blocksSinceAnchor_ = 0;
  int64_t expectedInUs_ = 0;        // where the next input frame should start
};

}  // namespace rtcgate::codec
