#pragma once
// AudioTranscoder: AAC or Opus in; Opus (48 kHz) or AAC (spec.sampleRate) out.

#include <cstdint>
#include <memory>
#include <vector>

#include "codec/audio_decoder.h"
#include "codec/audio_encoder.h"
#include "codec/audio_resampler.h"
#include "codec/ffmpeg_ptr.h"
#include "codec/transcoder.h"

namespace rtcgate::codec {

// Decode, resample to the encoder's rate, layout and format, cut into the encoder's frame
// size through a FIFO, encode. Output time is anchored at the first input frame and
// advances by samples, so it is exact and gap-free; an input jump of more than 200 ms
// (a gap, a source restart) re-anchors it, never backwards.
class AudioTranscoder final : public Transcoder {
 public:
  static Result<std::unique_ptr<AudioTranscoder>> create(const TranscodeSpec& spec);
  ~AudioTranscoder() override = default;
  AudioTranscoder(const AudioTranscoder&) = delete;
  AudioTranscoder& operator=(const AudioTranscoder&) = delete;

  Status push(const media::MediaFrame& in, std::vector<media::MediaFrame>& out) override;

 private:
  AudioTranscoder(std::unique_ptr<AudioDecoder> decoder, std::unique_ptr<AudioEncoder> encoder,
                  AudioFifoPtr fifo, FramePtr chunk);
  void anchor(int64_t inputPtsUs);
  Status drainFifo(std::vector<media::MediaFrame>& out);

  std::unique_ptr<AudioDecoder> decoder_;
  std::unique_ptr<AudioEncoder> encoder_;
  AudioFifoPtr fifo_;
  FramePtr chunk_;  // one encoder frame read from the FIFO
  AudioResampler resampler_;  // to the encoder's rate, format and layout
  bool anchored_ = false;
  int64_t anchorUs_ = 0;         // output time of the FIFO sample counted as 0
  int64_t samplesSinceAnchor_ = 0;  // samples taken from the FIFO since
  int64_t expectedInUs_ = 0;     // where the next input frame should start
  int64_t lastSentUs_ = INT64_MIN;  // pts of the last frame handed to the encoder
  // Timed metadata of input frames, given to the next frame encoded (bounded).
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> metadata_;
};

}  // namespace rtcgate::codec
