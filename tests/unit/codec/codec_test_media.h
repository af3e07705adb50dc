#pragma once
// Test media for the transcoder tests, made with libavcodec's own encoders: a moving
// picture pattern as VP8 or H.264 (High, with B-frames), a 1 kHz sine as AAC or Opus, and
// decoders that check what the transcoders produce.

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/ffmpeg_ptr.h"
#include "media/annex_b.h"
#include "media/media_frame.h"

namespace rtcgate::codec::testing {

constexpr int64_t kFrameUs = 1'000'000 / 30;

// A pattern that moves every frame, so the encoder has motion to predict.
inline void paintPicture(AVFrame& f, int index) {
  for (int y = 0; y < f.height; ++y) {
    for (int x = 0; x < f.width; ++x) {
      f.data[0][y * f.linesize[0] + x] = static_cast<uint8_t>((x + y + index * 3) * 2 + ((x / 16 + y / 16 + index / 4) % 2) * 60);
    }
  }
  for (int y = 0; y < f.height / 2; ++y) {
    for (int x = 0; x < f.width / 2; ++x) {
      f.data[1][y * f.linesize[1] + x] = static_cast<uint8_t>(128 + (x + index) % 40);
      f.data[2][y * f.linesize[2] + x] = static_cast<uint8_t>(128 - (y + index) % 40);
    }
  }
}

inline bool hasNal(const std::vector<uint8_t>& annexB, uint8_t type) {
  media::AnnexBReader r(annexB);
  std::span<const uint8_t> nal;
  while (r.next(nal)) {
    if (media::nalType(nal[0]) == type) return true;
  }
  return false;
}

// SPS and PPS of an access unit, Annex B.
inline std::vector<uint8_t> parameterSets(const std::vector<uint8_t>& annexB) {
  std::vector<uint8_t> out;
  media::AnnexBReader r(annexB);
  std::span<const uint8_t> nal;
  while (r.next(nal)) {
    const uint8_t t = media::nalType(nal[0]);
    if (t == media::kNalSps || t == media::kNalPps) media::appendNal(out, nal);
  }
  return out;
}

// profile_idc of the first SPS (ITU-T H.264 §7.3.2.1.1), -1 if none.
inline int profileIdc(const std::vector<uint8_t>& annexB) {
  media::AnnexBReader r(annexB);
  std::span<const uint8_t> nal;
  while (r.next(nal)) {
    if (media::nalType(nal[0]) == media::kNalSps && nal.size() > 1) return nal[1];
  }
  return -1;
}

inline void drainPackets(AVCodecContext& ctx, AVPacket& pkt, media::MediaCodec codec, AVRational tb,
                         std::vector<media::MediaFrame>& out) {
  while (avcodec_receive_packet(&ctx, &pkt) == 0) {
    media::MediaFrame& f = out.emplace_back();
    f.codec = codec;
    f.ptsUs = av_rescale_q(pkt.pts, tb, AVRational{1, 1'000'000});
    f.dtsUs = av_rescale_q(pkt.dts, tb, AVRational{1, 1'000'000});
    f.keyframe = (pkt.flags & AV_PKT_FLAG_KEY) != 0;
    f.data.assign(pkt.data, pkt.data + pkt.size);
    if (codec == media::MediaCodec::kH264) {
      f.data = media::normalizeAnnexB(f.data);
      if (f.keyframe) f.config = parameterSets(f.data);
    }
    av_packet_unref(&pkt);
  }
}

// `count` frames of a moving pattern at 30 fps, starting at `firstPtsUs`. VP8 via libvpx;
// H.264 via libx264's defaults (High profile, B-frames: pts != dts for some frames).
inline std::vector<media::MediaFrame> encodeVideo(media::MediaCodec codec, int width, int height,
                                                  int count, int gop = 30, int64_t firstPtsUs = 0) {
  quietFfmpegLogs();
  const AVCodec* enc = avcodec_find_encoder_by_name(codec == media::MediaCodec::kVp8 ? "libvpx" : "libx264");
  CodecContextPtr ctx(avcodec_alloc_context3(enc));
  ctx->width = width;
  ctx->height = height;
  ctx->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx->time_base = AVRational{1, 30};
  ctx->framerate = AVRational{30, 1};
  ctx->gop_size = gop;
  ctx->bit_rate = int64_t{width} * height * 3;
  ctx->thread_count = 1;
  if (codec == media::MediaCodec::kVp8) {
    av_opt_set(ctx->priv_data, "deadline", "realtime", 0);
    av_opt_set_int(ctx->priv_data, "cpu-used", 8, 0);
    av_opt_set_int(ctx->priv_data, "lag-in-frames", 0, 0);
  } else {
    // OBS-like: High profile with B-frames, so decode order differs from presentation order.
    av_opt_set(ctx->priv_data, "preset", "veryfast", 0);
    av_opt_set(ctx->priv_data, "x264-params", "bframes=3:b-adapt=0:scenecut=0", 0);
    av_opt_set(ctx->priv_data, "profile", "high", 0);
  }
  std::vector<media::MediaFrame> out;
  if (avcodec_open2(ctx.get(), enc, nullptr) < 0) return out;
  FramePtr pic(av_frame_alloc());
  pic->format = AV_PIX_FMT_YUV420P;
  pic->width = width;
  pic->height = height;
  av_frame_get_buffer(pic.get(), 0);
  PacketPtr pkt(av_packet_alloc());
  const int64_t first = av_rescale_q(firstPtsUs, AVRational{1, 1'000'000}, ctx->time_base);
  for (int i = 0; i < count; ++i) {
    av_frame_make_writable(pic.get());
    paintPicture(*pic, i);
    pic->pts = first + i;
    avcodec_send_frame(ctx.get(), pic.get());
    drainPackets(*ctx, *pkt, codec, ctx->time_base, out);
  }
  avcodec_send_frame(ctx.get(), nullptr);
  drainPackets(*ctx, *pkt, codec, ctx->time_base, out);
  return out;
}

// What decoding a list of frames gave.
struct DecodedVideo {
  int pictures = 0;
  int errors = 0;
  int width = 0;
  int height = 0;
  std::vector<int64_t> pts;  // in output order
};

inline DecodedVideo decodeVideo(const std::vector<media::MediaFrame>& frames, media::MediaCodec codec) {
  DecodedVideo d;
  const AVCodec* dec = avcodec_find_decoder(codec == media::MediaCodec::kH264 ? AV_CODEC_ID_H264
                                                                            : AV_CODEC_ID_VP8);
  CodecContextPtr ctx(avcodec_alloc_context3(dec));
  ctx->thread_count = 1;
  ctx->err_recognition = AV_EF_EXPLODE;  // report every bitstream error
  if (avcodec_open2(ctx.get(), dec, nullptr) < 0) return d;
  PacketPtr pkt(av_packet_alloc());
  FramePtr pic(av_frame_alloc());
  auto drain = [&] {
    while (avcodec_receive_frame(ctx.get(), pic.get()) == 0) {
      ++d.pictures;
      d.width = pic->width;
      d.height = pic->height;
      d.pts.push_back(pic->pts);
      if (pic->decode_error_flags != 0) ++d.errors;
      av_frame_unref(pic.get());
    }
  };
  for (const auto& f : frames) {
    std::vector<uint8_t> bytes = f.data;
    bytes.resize(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
    pkt->data = bytes.data();
    pkt->size = static_cast<int>(f.data.size());
    pkt->pts = f.ptsUs;
    pkt->dts = f.dtsUs;
    if (avcodec_send_packet(ctx.get(), pkt.get()) < 0) ++d.errors;
    drain();
  }
  avcodec_send_packet(ctx.get(), nullptr);
  drain();
  return d;
}

// `durationMs` of a 1 kHz sine as AAC (raw access units, config on every frame) or Opus.
inline std::vector<media::MediaFrame> encodeSine(media::MediaCodec codec, int rate, int channels,
                                                 int durationMs, int64_t firstPtsUs = 0) {
  quietFfmpegLogs();
  const bool opus = codec == media::MediaCodec::kOpus;
  const AVCodec* enc = avcodec_find_encoder_by_name(opus ? "libopus" : "aac");
  CodecContextPtr ctx(avcodec_alloc_context3(enc));
  ctx->sample_rate = rate;
  av_channel_layout_default(&ctx->ch_layout, channels);
  ctx->sample_fmt = opus ? AV_SAMPLE_FMT_FLT : AV_SAMPLE_FMT_FLTP;
  ctx->bit_rate = opus ? 64'000 : 128'000;
  ctx->time_base = AVRational{1, rate};
  ctx->thread_count = 1;
  if (!opus) ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  std::vector<media::MediaFrame> out;
  if (avcodec_open2(ctx.get(), enc, nullptr) < 0) return out;
  FramePtr pcm(av_frame_alloc());
  pcm->format = ctx->sample_fmt;
  pcm->sample_rate = rate;
  pcm->nb_samples = ctx->frame_size;
  av_channel_layout_copy(&pcm->ch_layout, &ctx->ch_layout);
  av_frame_get_buffer(pcm.get(), 0);
  PacketPtr pkt(av_packet_alloc());
  const int64_t total = int64_t{rate} * durationMs / 1000;
  for (int64_t s = 0; s + ctx->frame_size <= total; s += ctx->frame_size) {
    av_frame_make_writable(pcm.get());
    for (int i = 0; i < ctx->frame_size; ++i) {
      const float v = 0.5f * static_cast<float>(std::sin(2 * M_PI * 1000.0 * static_cast<double>(s + i) / rate));
      for (int c = 0; c < channels; ++c) {
        if (opus) {
          reinterpret_cast<float*>(pcm->data[0])[i * channels + c] = v;
        } else {
          reinterpret_cast<float*>(pcm->data[c])[i] = v;
        }
      }
    }
    pcm->pts = s;
    avcodec_send_frame(ctx.get(), pcm.get());
    while (avcodec_receive_packet(ctx.get(), pkt.get()) == 0) {
      media::MediaFrame& f = out.emplace_back();
      f.codec = codec;
      f.ptsUs = firstPtsUs + av_rescale_q(pkt->pts, ctx->time_base, AVRational{1, 1'000'000});
      f.dtsUs = f.ptsUs;
      f.keyframe = true;
      f.data.assign(pkt->data, pkt->data + pkt->size);
      if (!opus) f.config.assign(ctx->extradata, ctx->extradata + ctx->extradata_size);
      av_packet_unref(pkt.get());
    }
  }
  return out;
}

// What decoding a list of audio frames gave.
struct DecodedAudio {
  int frames = 0;
  int errors = 0;
  int sampleRate = 0;
  int channels = 0;
  int64_t samples = 0;
  double energy = 0;  // mean square of the samples
};

inline DecodedAudio decodeAudio(const std::vector<media::MediaFrame>& frames, media::MediaCodec codec) {
  DecodedAudio d;
  if (frames.empty()) return d;
  const AVCodec* dec = avcodec_find_decoder(codec == media::MediaCodec::kOpus ? AV_CODEC_ID_OPUS : AV_CODEC_ID_AAC);
  CodecContextPtr ctx(avcodec_alloc_context3(dec));
  ctx->thread_count = 1;
  ctx->request_sample_fmt = AV_SAMPLE_FMT_FLTP;
  if (codec == media::MediaCodec::kOpus) {
    ctx->sample_rate = 48'000;
    av_channel_layout_default(&ctx->ch_layout, 2);
  } else {
    const auto& config = frames.front().config;
    ctx->extradata = static_cast<uint8_t*>(av_mallocz(config.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    std::memcpy(ctx->extradata, config.data(), config.size());
    ctx->extradata_size = static_cast<int>(config.size());
  }
  if (avcodec_open2(ctx.get(), dec, nullptr) < 0) return d;
  PacketPtr pkt(av_packet_alloc());
  FramePtr pcm(av_frame_alloc());
  double sum = 0;
  for (const auto& f : frames) {
    std::vector<uint8_t> bytes = f.data;
    bytes.resize(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
    pkt->data = bytes.data();
    pkt->size = static_cast<int>(f.data.size());
    if (avcodec_send_packet(ctx.get(), pkt.get()) < 0) ++d.errors;
    while (avcodec_receive_frame(ctx.get(), pcm.get()) == 0) {
      ++d.frames;
      d.sampleRate = pcm->sample_rate;
      d.channels = pcm->ch_layout.nb_channels;
      d.samples += pcm->nb_samples;
      const bool planar = av_sample_fmt_is_planar(static_cast<AVSampleFormat>(pcm->format));
      if (pcm->format == AV_SAMPLE_FMT_FLTP || pcm->format == AV_SAMPLE_FMT_FLT) {
        const int n = planar ? pcm->nb_samples : pcm->nb_samples * d.channels;
        const auto* s = reinterpret_cast<const float*>(pcm->data[0]);
        for (int i = 0; i < n; ++i) sum += double{s[i]} * s[i];
      }
      av_frame_unref(pcm.get());
    }
  }
  if (d.samples > 0) d.energy = sum / static_cast<double>(d.samples);
  return d;
}

}  // namespace rtcgate::codec::testing
