#pragma once
// AudioResampler: decoded PCM of any rate, sample format and channel layout into one fixed
// output form, appended to a FIFO (libswresample). It follows the input when that changes
// (an AAC source that restarts at another rate) by setting itself up again.

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "codec/ffmpeg_ptr.h"

namespace rtcgate::codec {

class AudioResampler {
 public:
  // The output form; `layout` is copied.
  AudioResampler(int rate, AVSampleFormat format, const AVChannelLayout& layout);
  ~AudioResampler();
  AudioResampler(const AudioResampler&) = delete;
  AudioResampler& operator=(const AudioResampler&) = delete;

  // Converts `pcm` and writes the result to `fifo` (which holds the output form).
  Status convertInto(const AVFrame& pcm, AVAudioFifo* fifo);

 private:
  Status ensure(const AVFrame& pcm);

  int outRate_;
  AVSampleFormat outFormat_;
  AVChannelLayout outLayout_{};
  SwrPtr swr_;
  int inRate_ = 0;
  int inFormat_ = -1;
  AVChannelLayout inLayout_{};
  std::vector<uint8_t*> planes_;    // output, one pointer per plane
  std::vector<uint8_t> converted_;  // and its storage
};

}  // namespace rtcgate::codec
