#include "codec/audio_encoder.h"

#include <algorithm>

extern "C" {
#include <libavutil/opt.h>
}

namespace rtcgate::codec {

namespace {

bool supportsFormat(const AVCodec& enc, AVSampleFormat fmt) {
  for (const AVSampleFormat* f = enc.sample_fmts; f != nullptr && *f != AV_SAMPLE_FMT_NONE; ++f) {
    if (*f == fmt) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<AudioEncoder>> AudioEncoder::create(const TranscodeSpec& spec) {
  const bool opus = spec.to == media::MediaCodec::kOpus;
  if (!opus && spec.to != media::MediaCodec::kAac) return Error::unsupported("audio output must be Opus or AAC");
  const AVCodec* enc = avcodec_find_encoder_by_name(opus ? "libopus" : "aac");
  if (enc == nullptr) return Error::unsupported("the audio encoder is not built in");
  CodecContextPtr ctx(avcodec_alloc_context3(enc));
  PacketPtr packet(av_packet_alloc());
  if (!ctx || !packet) return Error{Error::Code::kInternal, "out of memory"};
  // Opus is always 48 kHz (RFC 7587 §4.1); AAC keeps the rate asked for.
  ctx->sample_rate = opus ? 48'000 : std::clamp(spec.sampleRate, 8'000, 96'000);
  av_channel_layout_default(&ctx->ch_layout, std::clamp(spec.channels, 1, 2));
  ctx->sample_fmt = opus ? (supportsFormat(*enc, AV_SAMPLE_FMT_FLT) ? AV_SAMPLE_FMT_FLT : AV_SAMPLE_FMT_S16)
                         : AV_SAMPLE_FMT_FLTP;
  const int defaultKbps = opus ? 64 : 128;
  ctx->bit_rate = int64_t{spec.audioBitrateKbps > 0 ? spec.audioBitrateKbps : defaultKbps} * 1000;
  ctx->time_base = AVRational{1, ctx->sample_rate};
  ctx->thread_count = 1;  // the pool supplies the parallelism
  // AAC: raw access units, the AudioSpecificConfig in extradata (FLV's sequence header).
  if (!opus) ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (opus) av_opt_set(ctx->priv_data, "frame_duration", "20", 0);
  if (avcodec_open2(ctx.get(), enc, nullptr) < 0) {
    return Error{Error::Code::kInternal, "cannot open the audio encoder"};
  }
  if (ctx->frame_size <= 0) return Error{Error::Code::kInternal, "audio encoder without a frame size"};
  return std::unique_ptr<AudioEncoder>(new AudioEncoder(spec.to, std::move(ctx), std::move(packet)));
}

AudioEncoder::AudioEncoder(media::MediaCodec codec, CodecContextPtr ctx, PacketPtr packet)
    : codec_(codec), ctx_(std::move(ctx)), packet_(std::move(packet)) {}

Status AudioEncoder::encode(AVFrame* pcm, int64_t ptsUs, std::vector<media::MediaFrame>& out) {
  pcm->pts = samplesIn_;
  samplesIn_ += pcm->nb_samples;
  pendingUs_.push_back(ptsUs);
  if (avcodec_send_frame(ctx_.get(), pcm) < 0) {
    return Error{Error::Code::kInternal, "the audio encoder rejected a frame"};
  }
  const int64_t frameUs = int64_t{ctx_->frame_size} * 1'000'000 / ctx_->sample_rate;
  for (;;) {
    const int rc = avcodec_receive_packet(ctx_.get(), packet_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
    if (rc < 0) return Error{Error::Code::kInternal, "the audio encoder failed"};
    // Packets leave in input order; the encoder's priming delay only shifts which input
    // time each one is given, never the spacing. A decoder gives each packet's audio that
    // much late (the priming it decodes first), so packets are stamped that much earlier:
    // decoded, the audio lands at its input's time, in step with the picture.
    int64_t pts = lastOutUs_ + frameUs;
    if (!pendingUs_.empty()) {
      pts = pendingUs_.front() - int64_t{ctx_->initial_padding} * 1'000'000 / ctx_->sample_rate;
      pendingUs_.pop_front();
    }
    lastOutUs_ = pts;
    media::MediaFrame& f = out.emplace_back();
    f.codec = codec_;
    f.ptsUs = pts;
    f.dtsUs = pts;
    f.keyframe = true;  // every audio frame decodes alone
    f.data.assign(packet_->data, packet_->data + packet_->size);
    if (codec_ == media::MediaCodec::kAac && ctx_->extradata_size > 0) {
      f.config.assign(ctx_->extradata, ctx_->extradata + ctx_->extradata_size);
    }
    av_packet_unref(packet_.get());
  }
}

}  // namespace rtcgate::codec
