#include "codec/audio_block_decoder.h"

#include <cstdlib>

namespace rtcgate::codec {

namespace {

constexpr int64_t kGapUs = 200'000;
constexpr int64_t kBlockUs = 20'000;

}  // namespace

Result<std::unique_ptr<AudioBlockDecoder>> AudioBlockDecoder::create(media::MediaCodec codec, int channels) {
  if (channels != 1 && channels != 2) return Error::unsupported("a mix block is mono or stereo");
  auto decoder = AudioDecoder::create(codec);
  if (!decoder.ok()) return decoder.error();
  AVChannelLayout layout{};
  av_channel_layout_default(&layout, channels);
  AudioFifoPtr fifo(av_audio_fifo_alloc(AV_SAMPLE_FMT_S16, channels, kBlockFrames * 4));
  if (!fifo) return Error{Error::Code::kInternal, "out of memory"};
  return std::unique_ptr<AudioBlockDecoder>(
      new AudioBlockDecoder(std::move(decoder.value()), std::move(fifo), channels, layout));
}

AudioBlockDecoder::AudioBlockDecoder(std::unique_ptr<AudioDecoder> decoder, AudioFifoPtr fifo, int channels,
                                     const AVChannelLayout& layout)
    : decoder_(std::move(decoder)),
      fifo_(std::move(fifo)),
      channels_(channels),
      resampler_(kRate, AV_SAMPLE_FMT_S16, layout) {}

AudioBlockDecoder::~AudioBlockDecoder() = default;

Status AudioBlockDecoder::push(const media::MediaFrame& frame, std::vector<PcmBlock>& out) {
  RTCGATE_TRY(decoder_->send(frame));
  if (!anchored_ || std::llabs(frame.ptsUs - expectedInUs_) > kGapUs) {
    // What the FIFO still holds came just before this frame.
    anchorUs_ = frame.ptsUs - int64_t{av_audio_fifo_size(fifo_.get())} * 1'000'000 / kRate;
    blocksSinceAnchor_ = 0;
    anchored_ = true;
  }
  int64_t decodedUs = 0;
  while (AVFrame* pcm = decoder_->receive()) {
    if (pcm->sample_rate <= 0 || pcm->nb_samples <= 0) continue;
    decodedUs += int64_t{pcm->nb_samples} * 1'000'000 / pcm->sample_rate;
    RTCGATE_TRY(resampler_.convertInto(*pcm, fifo_.get()));
  }
  expectedInUs_ = frame.ptsUs + decodedUs;
  while (av_audio_fifo_size(fifo_.get()) >= kBlockFrames) {
    PcmBlock block;
    block.samples.resize(static_cast<size_t>(kBlockFrames * channels_));
    void* planes[1] = {block.samples.data()};
    if (av_audio_fifo_read(fifo_.get(), planes, kBlockFrames) < kBlockFrames)
      return Error{Error::Code::kInternal, "audio FIFO read failed"};
    block.ptsUs = anchorUs_ + blocksSinceAnchor_++ * kBlockUs;
    out.push_back(std::move(block));
  }
  return {};
}

}  // namespace rtcgate::codec
