#include "media_source.h"

#include <cmath>
#include <memory>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
}

namespace rtcgate::load {
namespace {

struct CodecCtxFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using CodecCtxPtr = std::unique_ptr<AVCodecContext, CodecCtxFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

constexpr int kAudioRate = 48000;
constexpr int kAudioFrameSamples = 960;  // 20 ms

// Moving test pattern straight in I420: diagonal luma bars drifting right, a bouncing
// bright box, and slowly rotating chroma, so every frame differs and motion is real.
void drawPattern(AVFrame& f, int index, int width, int height) {
  const int shift = index * 4;
  for (int y = 0; y < height; ++y) {
    uint8_t* row = f.data[0] + static_cast<ptrdiff_t>(y) * f.linesize[0];
    for (int x = 0; x < width; ++x) row[x] = static_cast<uint8_t>(((x + y + shift) / 16 % 2) ? 200 : 60);
  }
  const int box = height / 6;
  const int bx = (index * 7) % std::max(1, width - box);
  const int by = static_cast<int>((std::sin(index * 0.1) * 0.5 + 0.5) * (height - box));
  for (int y = by; y < by + box; ++y)
    for (int x = bx; x < bx + box; ++x) f.data[0][static_cast<ptrdiff_t>(y) * f.linesize[0] + x] = 235;
  for (int y = 0; y < height / 2; ++y) {
    for (int x = 0; x < width / 2; ++x) {
      f.data[1][static_cast<ptrdiff_t>(y) * f.linesize[1] + x] = static_cast<uint8_t>(128 + 60 * std::sin((x + index) * 0.02));
      f.data[2][static_cast<ptrdiff_t>(y) * f.linesize[2] + x] = static_cast<uint8_t>(128 + 60 * std::cos((y + index) * 0.03));
    }
  }
}

// Feeds `frame` (null = flush) and appends every packet the encoder hands back.
bool drain(AVCodecContext& ctx, AVFrame* frame, AVPacket& pkt, const AVRational tb, std::vector<EncodedFrame>& out) {
  if (avcodec_send_frame(&ctx, frame) < 0) return false;
  for (;;) {
    const int r = avcodec_receive_packet(&ctx, &pkt);
    if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return true;
    if (r < 0) return false;
    EncodedFrame e;
    e.data.assign(pkt.data, pkt.data + pkt.size);
    e.ptsUs = av_rescale_q(pkt.pts, tb, AVRational{1, 1'000'000});
    e.keyframe = (pkt.flags & AV_PKT_FLAG_KEY) != 0;
    out.push_back(std::move(e));
    av_packet_unref(&pkt);
  }
}

Result<std::vector<EncodedFrame>> encodeVideo(const MediaSourceOptions& o) {
  const char* name = o.codec == VideoCodec::kVp8 ? "libvpx" : "libx264";
  const AVCodec* codec = avcodec_find_encoder_by_name(name);
  if (codec == nullptr) return Error::unsupported("video encoder (libvpx/libx264) not available in libavcodec");
  CodecCtxPtr ctx(avcodec_alloc_context3(codec));
  ctx->width = o.width;
  ctx->height = o.height;
  ctx->time_base = AVRational{1, o.fps};
  ctx->framerate = AVRational{o.fps, 1};
  ctx->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx->bit_rate = o.videoBitrate;
  ctx->rc_max_rate = o.videoBitrate;
  ctx->rc_buffer_size = static_cast<int>(o.videoBitrate);
  ctx->gop_size = o.fps * o.keyframeIntervalSec;
  ctx->keyint_min = ctx->gop_size;
  ctx->max_b_frames = 0;
  ctx->thread_count = 2;
  if (o.codec == VideoCodec::kVp8) {
    av_opt_set(ctx->priv_data, "deadline", "realtime", 0);
    av_opt_set_int(ctx->priv_data, "cpu-used", 8, 0);
    av_opt_set_int(ctx->priv_data, "lag-in-frames", 0, 0);
    av_opt_set_int(ctx->priv_data, "error-resilient", 1, 0);
  } else {
    // Constrained baseline 3.1 (42e01f), SPS/PPS before every IDR so a late joiner can decode.
    ctx->profile = FF_PROFILE_H264_CONSTRAINED_BASELINE;
    ctx->level = 31;
    av_opt_set(ctx->priv_data, "preset", "veryfast", 0);
    av_opt_set(ctx->priv_data, "tune", "zerolatency", 0);
    av_opt_set(ctx->priv_data, "profile", "baseline", 0);
    av_opt_set(ctx->priv_data, "x264-params", "repeat-headers=1:scenecut=0:slice-max-size=0", 0);
  }
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) return Error::unsupported("cannot open the video encoder");
  FramePtr frame(av_frame_alloc());
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = o.width;
  frame->height = o.height;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return Error::noSpace("cannot allocate a video frame");
  PacketPtr pkt(av_packet_alloc());
  std::vector<EncodedFrame> out;
  const int count = o.fps * o.seconds;
  for (int i = 0; i < count; ++i) {
    if (av_frame_make_writable(frame.get()) < 0) return Error::noSpace("video frame not writable");
    drawPattern(*frame, i, o.width, o.height);
    frame->pts = i;
    if (!drain(*ctx, frame.get(), *pkt, ctx->time_base, out)) return Error::malformed("video encoding failed");
  }
  if (!drain(*ctx, nullptr, *pkt, ctx->time_base, out)) return Error::malformed("video flush failed");
  if (out.empty() || !out.front().keyframe) return Error::malformed("video clip does not start with a keyframe");
  return out;
}

Result<std::vector<EncodedFrame>> encodeAudio(const MediaSourceOptions& o) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libopus");
  if (codec == nullptr) return Error::unsupported("libopus encoder not available in libavcodec");
  CodecCtxPtr ctx(avcodec_alloc_context3(codec));
  ctx->sample_rate = kAudioRate;
  ctx->sample_fmt = AV_SAMPLE_FMT_S16;
  av_channel_layout_default(&ctx->ch_layout, 2);
  ctx->bit_rate = o.audioBitrate;
  ctx->time_base = AVRational{1, kAudioRate};
  av_opt_set(ctx->priv_data, "frame_duration", "20", 0);
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0) return Error::unsupported("cannot open the Opus encoder");
  FramePtr frame(av_frame_alloc());
  frame->format = AV_SAMPLE_FMT_S16;
  frame->nb_samples = kAudioFrameSamples;
  frame->sample_rate = kAudioRate;
  av_channel_layout_copy(&frame->ch_layout, &ctx->ch_layout);
  if (av_frame_get_buffer(frame.get(), 0) < 0) return Error::noSpace("cannot allocate an audio frame");
  PacketPtr pkt(av_packet_alloc());
  std::vector<EncodedFrame> out;
  const int count = o.seconds * 50;
  int64_t sample = 0;
  for (int i = 0; i < count; ++i) {
    if (av_frame_make_writable(frame.get()) < 0) return Error::noSpace("audio frame not writable");
    auto* s = reinterpret_cast<int16_t*>(frame->data[0]);
    for (int n = 0; n < kAudioFrameSamples; ++n, ++sample) {
      // A 440 Hz tone whose loudness swells once a second.
      const double t = static_cast<double>(sample) / kAudioRate;
      const auto v = static_cast<int16_t>(8000 * (0.6 + 0.4 * std::sin(2 * M_PI * t)) * std::sin(2 * M_PI * 440 * t));
      s[2 * n] = v;
      s[2 * n + 1] = v;
    }
    frame->pts = static_cast<int64_t>(i) * kAudioFrameSamples;
    if (!drain(*ctx, frame.get(), *pkt, ctx->time_base, out)) return Error::malformed("audio encoding failed");
  }
  if (!drain(*ctx, nullptr, *pkt, ctx->time_base, out)) return Error::malformed("audio flush failed");
  // The encoder's priming delay shifts pts; re-time the frames on a clean 20 ms grid.
  for (size_t i = 0; i < out.size(); ++i) out[i].ptsUs = static_cast<int64_t>(i) * 20'000;
  return out;
}

}  // namespace

Result<MediaClip> encodeClip(const MediaSourceOptions& options) {
  av_log_set_level(AV_LOG_ERROR);  // encoder banners would bury the report
  auto video = encodeVideo(options);
  if (!video.ok()) return video.error();
  auto audio = encodeAudio(options);
  if (!audio.ok()) return audio.error();
  MediaClip clip;
  clip.video = std::move(*video);
  clip.audio = std::move(*audio);
  clip.durationUs = static_cast<int64_t>(options.seconds) * 1'000'000;
  // Drop anything the encoders stamped past the end so the loop never overlaps itself.
  std::erase_if(clip.video, [&](const EncodedFrame& f) { return f.ptsUs >= clip.durationUs; });
  std::erase_if(clip.audio, [&](const EncodedFrame& f) { return f.ptsUs >= clip.durationUs; });
  return clip;
}

}  // namespace rtcgate::load
