#include "codec/audio_transcoder.h"

#include <algorithm>
#include <cstdlib>

namespace rtcgate::codec {

namespace {

constexpr int64_t kGapUs = 200'000;

}  // namespace

Result<std::unique_ptr<AudioTranscoder>> AudioTranscoder::create(const TranscodeSpec& spec) {
  auto decoder = AudioDecoder::create(spec.from);
  if (!decoder.ok()) return decoder.error();
  auto encoder = AudioEncoder::create(spec);
  if (!encoder.ok()) return encoder.error();
  const AudioEncoder& enc = *encoder.value();
  AudioFifoPtr fifo(av_audio_fifo_alloc(enc.format(), enc.layout().nb_channels, enc.frameSize() * 4));
  FramePtr chunk(av_frame_alloc());
  if (!fifo || !chunk) return Error{Error::Code::kInternal, "out of memory"};
  chunk->format = enc.format();
  chunk->sample_rate = enc.sampleRate();
  chunk->nb_samples = enc.frameSize();
  if (av_channel_layout_copy(&chunk->ch_layout, &enc.layout()) < 0 ||
      av_frame_get_buffer(chunk.get(), 0) < 0) {
    return Error{Error::Code::kInternal, "out of memory"};
  }
  return std::unique_ptr<AudioTranscoder>(new AudioTranscoder(
      std::move(decoder.value()), std::move(encoder.value()), std::move(fifo), std::move(chunk)));
}

AudioTranscoder::AudioTranscoder(std::unique_ptr<AudioDecoder> decoder,
                                 std::unique_ptr<AudioEncoder> encoder, AudioFifoPtr fifo,
                                 FramePtr chunk)
    : decoder_(std::move(decoder)),
      encoder_(std::move(encoder)),
      fifo_(std::move(fifo)),
      chunk_(std::move(chunk)),
      resampler_(encoder_->sampleRate(), encoder_->format(), encoder_->layout()) {}

Status AudioTranscoder::push(const media::MediaFrame& in, std::vector<media::MediaFrame>& out) {
  RTCGATE_TRY(decoder_->send(in));
  if (!anchored_ || std::llabs(in.ptsUs - expectedInUs_) > kGapUs) anchor(in.ptsUs);
  int64_t decodedUs = 0;
  while (AVFrame* pcm = decoder_->receive()) {
    if (pcm->sample_rate <= 0 || pcm->nb_samples <= 0) continue;
    decodedUs += int64_t{pcm->nb_samples} * 1'000'000 / pcm->sample_rate;
    RTCGATE_TRY(resampler_.convertInto(*pcm, fifo_.get()));
  }
  expectedInUs_ = in.ptsUs + decodedUs;
  if (!in.metadata.empty() && metadata_.size() < 64) metadata_.insert(metadata_.end(), in.metadata.begin(), in.metadata.end());
  const size_t before = out.size();
  RTCGATE_TRY(drainFifo(out));
  // Timed metadata goes on the first frame encoded after its own arrived (an audio frame
  // or two later than its samples at most: the encoder's delay).
  if (!metadata_.empty() && out.size() > before) {
    out[before].metadata.insert(out[before].metadata.end(), metadata_.begin(), metadata_.end());
    metadata_.clear();
  }
  return {};
}

// Output time restarts at the input's: the samples still in the FIFO come just before
// it, and nothing goes before what the encoder already has.
void AudioTranscoder::anchor(int64_t inputPtsUs) {
  const int rate = encoder_->sampleRate();
  int64_t head = inputPtsUs - int64_t{av_audio_fifo_size(fifo_.get())} * 1'000'000 / rate;
  if (lastSentUs_ != INT64_MIN) {
    head = std::max(head, lastSentUs_ + int64_t{encoder_->frameSize()} * 1'000'000 / rate);
  }
  anchorUs_ = head;
  samplesSinceAnchor_ = 0;
  anchored_ = true;
}

Status AudioTranscoder::drainFifo(std::vector<media::MediaFrame>& out) {
  const int size = encoder_->frameSize();
  const int rate = encoder_->sampleRate();
  while (av_audio_fifo_size(fifo_.get()) >= size) {
    if (av_frame_make_writable(chunk_.get()) < 0) return Error{Error::Code::kInternal, "out of memory"};
    chunk_->nb_samples = size;
    if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(chunk_->data), size) < size) {
      return Error{Error::Code::kInternal, "audio FIFO read failed"};
    }
    const int64_t pts = anchorUs_ + samplesSinceAnchor_ * 1'000'000 / rate;
    samplesSinceAnchor_ += size;
    lastSentUs_ = pts;
    RTCGATE_TRY(encoder_->encode(chunk_.get(), pts, out));
  }
  return {};
}

}  // namespace rtcgate::codec
