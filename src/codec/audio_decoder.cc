#include "codec/audio_decoder.h"

#include <cstring>

namespace rtcgate::codec {

Result<std::unique_ptr<AudioDecoder>> AudioDecoder::create(media::MediaCodec codec) {
  const AVCodecID id = codec == media::MediaCodec::kAac    ? AV_CODEC_ID_AAC
                       : codec == media::MediaCodec::kOpus ? AV_CODEC_ID_OPUS
                                                           : AV_CODEC_ID_NONE;
  const AVCodec* dec = id == AV_CODEC_ID_NONE ? nullptr : avcodec_find_decoder(id);
  if (dec == nullptr) return Error::unsupported("no decoder for this audio codec");
  PacketPtr packet(av_packet_alloc());
  FramePtr pcm(av_frame_alloc());
  if (!packet || !pcm) return Error{Error::Code::kInternal, "out of memory"};
  std::unique_ptr<AudioDecoder> d(new AudioDecoder(codec, dec, std::move(packet), std::move(pcm)));
  // Opus needs no configuration (RFC 7587 fixes 48 kHz; the packets say mono or stereo).
  if (codec == media::MediaCodec::kOpus) RTCGATE_TRY(d->open({}));
  return d;
}

AudioDecoder::AudioDecoder(media::MediaCodec codec, const AVCodec* dec, PacketPtr packet, FramePtr pcm)
    : codec_(codec), dec_(dec), packet_(std::move(packet)), pcm_(std::move(pcm)) {}

Status AudioDecoder::open(const std::vector<uint8_t>& config) {
  ctx_.reset(avcodec_alloc_context3(dec_));
  if (!ctx_) return Error{Error::Code::kInternal, "out of memory"};
  ctx_->thread_count = 1;  // the pool supplies the parallelism
  ctx_->pkt_timebase = AVRational{1, 1'000'000};
  if (codec_ == media::MediaCodec::kOpus) {
    ctx_->sample_rate = 48'000;
    av_channel_layout_default(&ctx_->ch_layout, 2);
  }
  if (!config.empty()) {
    ctx_->extradata = static_cast<uint8_t*>(av_mallocz(config.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (ctx_->extradata == nullptr) return Error{Error::Code::kInternal, "out of memory"};
    std::memcpy(ctx_->extradata, config.data(), config.size());
    ctx_->extradata_size = static_cast<int>(config.size());
  }
  if (avcodec_open2(ctx_.get(), dec_, nullptr) < 0) {
    ctx_.reset();
    return Error::malformed("the audio decoder refused its configuration");
  }
  config_ = config;
  return {};
}

Status AudioDecoder::send(const media::MediaFrame& in) {
  if (codec_ == media::MediaCodec::kAac && !in.config.empty() && (!ctx_ || in.config != config_)) {
    RTCGATE_TRY(open(in.config));
  }
  if (!ctx_) return Error::state("AAC before its AudioSpecificConfig");
  if (in.data.empty()) return Error::malformed("empty audio frame");
  scratch_.assign(in.data.begin(), in.data.end());
  scratch_.resize(in.data.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
  av_packet_unref(packet_.get());
  // Not reference-counted: libavcodec copies the bytes before send returns.
  packet_->data = scratch_.data();
  packet_->size = static_cast<int>(in.data.size());
  packet_->pts = in.ptsUs;
  packet_->dts = in.ptsUs;
  const int rc = avcodec_send_packet(ctx_.get(), packet_.get());
  packet_->data = nullptr;
  packet_->size = 0;
  if (rc < 0) return Error::malformed("the audio decoder rejected the frame");
  return {};
}

AVFrame* AudioDecoder::receive() {
  av_frame_unref(pcm_.get());
  if (!ctx_ || avcodec_receive_frame(ctx_.get(), pcm_.get()) < 0) return nullptr;
  return pcm_.get();
}

}  // namespace rtcgate::codec
