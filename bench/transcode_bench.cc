// Transcoder throughput, per frame on one core (the codec pool runs one transcode per
// thread): 720p30 VP8 → H.264 (the browser-to-RTMP direction), AAC → Opus and Opus → AAC.
// "transcodes_per_core" is how many such real-time streams one core could carry.
#include <benchmark/benchmark.h>

extern "C" {
#include <libavutil/opt.h>
}

#include <time.h>

#include <cmath>
#include <vector>

#include "codec/ffmpeg_ptr.h"
#include "codec/transcoder.h"

namespace {

using namespace rtcgate;
using media::MediaCodec;
using media::MediaFrame;

void collect(AVCodecContext& ctx, AVPacket& pkt, MediaCodec codec, std::vector<MediaFrame>& out) {
  while (avcodec_receive_packet(&ctx, &pkt) == 0) {
    MediaFrame& f = out.emplace_back();
    f.codec = codec;
    f.keyframe = codec != MediaCodec::kVp8 || (pkt.flags & AV_PKT_FLAG_KEY) != 0;
    f.data.assign(pkt.data, pkt.data + pkt.size);
    if (codec == MediaCodec::kAac) f.config.assign(ctx.extradata, ctx.extradata + ctx.extradata_size);
    av_packet_unref(&pkt);
  }
}

// 60 frames of a moving 1280x720 pattern as VP8 (libvpx, real time, one keyframe).
std::vector<MediaFrame> vp8Frames() {
  codec::quietFfmpegLogs();
  const AVCodec* enc = avcodec_find_encoder_by_name("libvpx");
  codec::CodecContextPtr ctx(avcodec_alloc_context3(enc));
  ctx->width = 1280;
  ctx->height = 720;
  ctx->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx->time_base = AVRational{1, 30};
  ctx->gop_size = 1000;
  ctx->bit_rate = 2'500'000;
  av_opt_set(ctx->priv_data, "deadline", "realtime", 0);
  av_opt_set_int(ctx->priv_data, "cpu-used", 8, 0);
  av_opt_set_int(ctx->priv_data, "lag-in-frames", 0, 0);
  std::vector<MediaFrame> out;
  if (avcodec_open2(ctx.get(), enc, nullptr) < 0) return out;
  codec::FramePtr pic(av_frame_alloc());
  pic->format = AV_PIX_FMT_YUV420P;
  pic->width = 1280;
  pic->height = 720;
  av_frame_get_buffer(pic.get(), 0);
  codec::PacketPtr pkt(av_packet_alloc());
  for (int i = 0; i < 60; ++i) {
    av_frame_make_writable(pic.get());
    for (int p = 0; p < 3; ++p) {
      const int h = p == 0 ? 720 : 360;
      const int w = p == 0 ? 1280 : 640;
      for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
          pic->data[p][y * pic->linesize[p] + x] = static_cast<uint8_t>(p == 0 ? (x + y + 4 * i) ^ (x / 32 * 16) : 128 + (x + i) % 32);
        }
      }
    }
    pic->pts = i;
    avcodec_send_frame(ctx.get(), pic.get());
    collect(*ctx, *pkt, MediaCodec::kVp8, out);
  }
  return out;
}

// Two seconds of a 1 kHz stereo sine: AAC 44.1 kHz or Opus 48 kHz.
std::vector<MediaFrame> sineFrames(MediaCodec codec) {
  codec::quietFfmpegLogs();
  const bool opus = codec == MediaCodec::kOpus;
  const int rate = opus ? 48'000 : 44'100;
  const AVCodec* enc = avcodec_find_encoder_by_name(opus ? "libopus" : "aac");
  codec::CodecContextPtr ctx(avcodec_alloc_context3(enc));
  ctx->sample_rate = rate;
  av_channel_layout_default(&ctx->ch_layout, 2);
  ctx->sample_fmt = opus ? AV_SAMPLE_FMT_FLT : AV_SAMPLE_FMT_FLTP;
  ctx->bit_rate = opus ? 64'000 : 128'000;
  ctx->time_base = AVRational{1, rate};
  if (!opus) ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  std::vector<MediaFrame> out;
  if (avcodec_open2(ctx.get(), enc, nullptr) < 0) return out;
  codec::FramePtr pcm(av_frame_alloc());
  pcm->format = ctx->sample_fmt;
  pcm->sample_rate = rate;
  pcm->nb_samples = ctx->frame_size;
  av_channel_layout_copy(&pcm->ch_layout, &ctx->ch_layout);
  av_frame_get_buffer(pcm.get(), 0);
  codec::PacketPtr pkt(av_packet_alloc());
  for (int64_t s = 0; s < 2 * rate; s += ctx->frame_size) {
    av_frame_make_writable(pcm.get());
    for (int i = 0; i < ctx->frame_size; ++i) {
      const float v = 0.5f * static_cast<float>(std::sin(2 * M_PI * 1000.0 * static_cast<double>(s + i) / rate));
      for (int c = 0; c < 2; ++c) {
        if (opus) {
          reinterpret_cast<float*>(pcm->data[0])[i * 2 + c] = v;
        } else {
          reinterpret_cast<float*>(pcm->data[c])[i] = v;
        }
      }
    }
    pcm->pts = s;
    avcodec_send_frame(ctx.get(), pcm.get());
    collect(*ctx, *pkt, codec, out);
  }
  return out;
}

// Pushes `input` round and round with advancing time; reports CPU µs per input frame and
// how many real-time streams of `frameUs` frames one core carries.
// CPU time of this thread in µs: what a pool thread would spend, whatever else the
// machine is doing.
double threadCpuUs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

void runTranscode(benchmark::State& state, const codec::TranscodeSpec& spec,
                  const std::vector<MediaFrame>& input, int64_t frameUs, const char* perLabel) {
  auto t = codec::Transcoder::create(spec);
  if (!t.ok() || input.empty()) {
    state.SkipWithError("cannot set up the transcode");
    return;
  }
  std::vector<MediaFrame> out;
  MediaFrame frame;
  int64_t n = 0;
  int64_t outBytes = 0;
  const double start = threadCpuUs();
  for (auto _ : state) {
    const MediaFrame& src = input[static_cast<size_t>(n % static_cast<int64_t>(input.size()))];
    frame = src;
    frame.ptsUs = n * frameUs;
    frame.dtsUs = frame.ptsUs;
    ++n;
    out.clear();
    benchmark::DoNotOptimize((*t)->push(frame, out));
    for (const auto& f : out) outBytes += static_cast<int64_t>(f.data.size());
  }
  const double us = threadCpuUs() - start;
  const double usPerFrame = us / static_cast<double>(std::max<int64_t>(n, 1));
  state.counters[perLabel] = usPerFrame;
  state.counters["transcodes_per_core"] = static_cast<double>(frameUs) / usPerFrame;
  state.counters["out_kbps"] = static_cast<double>(outBytes) * 8e3 / static_cast<double>(std::max<int64_t>(n, 1) * frameUs);
}

void BM_Vp8ToH264_720p30(benchmark::State& state) {
  static const std::vector<MediaFrame> frames = vp8Frames();
  codec::TranscodeSpec spec;
  spec.from = MediaCodec::kVp8;
  spec.to = MediaCodec::kH264;
  runTranscode(state, spec, frames, 1'000'000 / 30, "us_per_frame");
}
BENCHMARK(BM_Vp8ToH264_720p30)->Unit(benchmark::kMillisecond)->Iterations(300);

void BM_AacToOpus(benchmark::State& state) {
  static const std::vector<MediaFrame> frames = sineFrames(MediaCodec::kAac);
  codec::TranscodeSpec spec;
  spec.from = MediaCodec::kAac;
  spec.to = MediaCodec::kOpus;
  // One AAC frame is 1024 samples at 44.1 kHz (23.2 ms).
  runTranscode(state, spec, frames, 1024 * 1'000'000LL / 44'100, "us_per_aac_frame");
  state.counters["us_per_20ms"] = state.counters["us_per_aac_frame"] * 20'000.0 / (1024 * 1e6 / 44'100);
}
BENCHMARK(BM_AacToOpus)->Unit(benchmark::kMicrosecond);

void BM_OpusToAac(benchmark::State& state) {
  static const std::vector<MediaFrame> frames = sineFrames(MediaCodec::kOpus);
  codec::TranscodeSpec spec;
  spec.from = MediaCodec::kOpus;
  spec.to = MediaCodec::kAac;
  spec.sampleRate = 48'000;
  runTranscode(state, spec, frames, 20'000, "us_per_20ms");
}
BENCHMARK(BM_OpusToAac)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
