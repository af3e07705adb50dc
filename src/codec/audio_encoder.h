#pragma once
// AudioEncoder: fixed-size PCM frames in, Opus (libopus) or AAC (FFmpeg's aac) frames out.

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "base/result.h"
#include "codec/ffmpeg_ptr.h"
#include "codec/transcode_spec.h"
#include "media/media_frame.h"

namespace rtcgate::codec {

// One libavcodec audio encoder. Takes exactly frameSize() samples per call (Opus 960 =
// 20 ms at 48 kHz, AAC 1024) in format()/layout(); output frames keep the pts given with
// their input, in order, whatever the encoder's own delay.
class AudioEncoder {
 public:
  static Result<std::unique_ptr<AudioEncoder>> create(const TranscodeSpec& spec);

  // Encodes one PCM frame stamped `ptsUs`; kInternal when the encoder fails.
  Status encode(AVFrame* pcm, int64_t ptsUs, std::vector<media::MediaFrame>& out);

  int sampleRate() const noexcept { return ctx_->sample_rate; }
  int frameSize() const noexcept { return ctx_->frame_size; }
  AVSampleFormat format() const noexcept { return ctx_->sample_fmt; }
  const AVChannelLayout& layout() const noexcept { return ctx_->ch_layout; }

 private:
  AudioEncoder(media::MediaCodec codec, CodecContextPtr ctx, PacketPtr packet);

  media::MediaCodec codec_;
  CodecContextPtr ctx_;
  PacketPtr packet_;
  int64_t samplesIn_ = 0;          // the encoder's own clock, in samples
  std::deque<int64_t> pendingUs_;  // pts of frames sent and not yet out
  int64_t lastOutUs_ = 0;
};

}  // namespace rtcgate::codec
