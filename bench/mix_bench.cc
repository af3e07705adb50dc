// Mixing cost on one core (a mix runs on one mix thread): a 4-source 720p30 grid (decode
// four VP8 sources, compose, one H.264 encode per output frame) and a 16-source audio mix
// with 16 mix-minus Opus encodes per 20 ms. "core_share" is the share of one core the mix
// takes in real time; the grid's added latency is its display delay, the nearest output
// tick (up to half a tick either way) and the measured decode-compose-encode time, as p50/p95.
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "codec/audio_encoder.h"
#include "codec/video_encoder.h"
#include "mcu/audio_mix_engine.h"
#include "mcu/video_compositor.h"

namespace {

using namespace rtcgate;
using media::MediaCodec;
using media::MediaFrame;

double threadCpuUs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double wallUs() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// `count` frames of a moving 1280x720 pattern (one keyframe), VP8 as a browser sends it.
std::vector<MediaFrame> movingVp8(int seed, int count) {
  codec::quietFfmpegLogs();
  codec::TranscodeSpec spec;
  spec.to = MediaCodec::kVp8;
  spec.videoBitrateKbps = 2000;
  spec.keyframeIntervalMs = 100'000;
  auto enc = codec::VideoEncoder::create(spec, 1280, 720, 30);
  std::vector<MediaFrame> out;
  if (!enc.ok()) return out;
  codec::FramePtr pic(av_frame_alloc());
  pic->format = AV_PIX_FMT_YUV420P;
  pic->width = 1280;
  pic->height = 720;
  av_frame_get_buffer(pic.get(), 0);
  for (int i = 0; i < count; ++i) {
    av_frame_make_writable(pic.get());
    for (int p = 0; p < 3; ++p) {
      const int h = p == 0 ? 720 : 360, w = p == 0 ? 1280 : 640;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
          pic->data[p][y * pic->linesize[p] + x] =
              static_cast<uint8_t>(p == 0 ? (x + y + 4 * i + seed * 40) ^ (x / 32 * 16) : 128 + (x + i + seed) % 32);
    }
    (void)(*enc)->encode(pic.get(), i * 33'333, i == 0, out);
  }
  return out;
}

void BM_Grid4x720p30(benchmark::State& state) {
  constexpr int kSources = 4, kFrames = 90;
  constexpr int64_t kTickUs = 33'333, kDelayUs = 60'000;
  static const std::vector<std::vector<MediaFrame>> sources = [] {
    std::vector<std::vector<MediaFrame>> s;
    for (int i = 0; i < kSources; ++i) s.push_back(movingVp8(i, kFrames));
    return s;
  }();
  mcu::VideoCompositorOptions options;  // 1280x720 at 30 fps, H.264
  options.delayUs = 0;                  // pictures shown at the next tick; the delay is added below
  auto compositor = mcu::VideoCompositor::create(options);
  if (!compositor.ok() || sources[0].empty()) return state.SkipWithError("cannot set up the compositor");
  std::vector<std::string> names;
  for (int i = 0; i < kSources; ++i) names.push_back("s" + std::to_string(i));
  (*compositor)->setSources(names);
  std::vector<double> processingUs;
  std::vector<MediaFrame> out;
  int64_t n = 0, outBytes = 0;
  const double start = threadCpuUs();
  for (auto _ : state) {
    const double t0 = wallUs();
    const int64_t now = n * kTickUs;
    // Each source's frame; after the first pass a source loops from its second frame.
    const size_t index = n < kFrames ? static_cast<size_t>(n) : 1 + static_cast<size_t>(n % (kFrames - 1));
    for (int i = 0; i < kSources; ++i) (void)(*compositor)->push(names[i], sources[i][index], now);
    out.clear();
    (void)(*compositor)->compose(now, now, out);
    for (const auto& f : out) outBytes += static_cast<int64_t>(f.data.size());
    processingUs.push_back(wallUs() - t0);
    ++n;
  }
  const double cpuPerFrame = (threadCpuUs() - start) / static_cast<double>(std::max<int64_t>(n, 1));
  std::sort(processingUs.begin(), processingUs.end());
  const auto at = [&](double q) { return processingUs[static_cast<size_t>(q * static_cast<double>(processingUs.size() - 1))]; };
  state.counters["us_per_output_frame"] = cpuPerFrame;
  state.counters["core_share"] = cpuPerFrame / static_cast<double>(kTickUs);
  state.counters["out_kbps"] = static_cast<double>(outBytes) * 8e3 / static_cast<double>(std::max<int64_t>(n, 1) * kTickUs);
  // A source frame waits the display delay, give or take half a tick (it goes out in the
  // tick nearest its display time: uniform over -1/2..+1/2 tick), then is decoded, drawn
  // and encoded.
  state.counters["latency_p50_ms"] = (kDelayUs + 0.0 * kTickUs + at(0.5)) / 1000.0;
  state.counters["latency_p95_ms"] = (kDelayUs + 0.45 * kTickUs + at(0.95)) / 1000.0;
  state.counters["processing_p95_ms"] = at(0.95) / 1000.0;
}
BENCHMARK(BM_Grid4x720p30)->Unit(benchmark::kMillisecond)->Iterations(300);

// 20 ms Opus frames of a tone (mono, as browsers send speech).
std::vector<MediaFrame> opusTone(double hz, int count) {
  codec::TranscodeSpec spec;
  spec.to = MediaCodec::kOpus;
  spec.channels = 1;
  auto enc = codec::AudioEncoder::create(spec);
  std::vector<MediaFrame> out;
  if (!enc.ok()) return out;
  codec::FramePtr pcm(av_frame_alloc());
  pcm->format = (*enc)->format();
  pcm->sample_rate = 48000;
  pcm->nb_samples = 960;
  av_channel_layout_copy(&pcm->ch_layout, &(*enc)->layout());
  av_frame_get_buffer(pcm.get(), 0);
  for (int b = 0; b < count; ++b) {
    av_frame_make_writable(pcm.get());
    for (int i = 0; i < 960; ++i) {
      const double v = 0.2 * std::sin(2 * M_PI * hz * (b * 960 + i) / 48000.0);
      if (pcm->format == AV_SAMPLE_FMT_FLT) reinterpret_cast<float*>(pcm->data[0])[i] = static_cast<float>(v);
      else reinterpret_cast<int16_t*>(pcm->data[0])[i] = static_cast<int16_t>(v * 32767);
    }
    (void)(*enc)->encode(pcm.get(), b * 20'000, out);
  }
  return out;
}

void BM_AudioMix16WithMixMinus16(benchmark::State& state) {
  constexpr int kSources = 16, kFrames = 100;
  static const std::vector<std::vector<MediaFrame>> tones = [] {
    std::vector<std::vector<MediaFrame>> t;
    for (int i = 0; i < kSources; ++i) t.push_back(opusTone(200.0 + 97.0 * i, kFrames));
    return t;
  }();
  mcu::AudioMixEngineOptions options;
  options.mixer.channels = 2;
  options.mixer.loudest = 3;
  auto engine = mcu::AudioMixEngine::create(options);
  if (!engine.ok() || tones[0].size() < kFrames) return state.SkipWithError("cannot set up the mix");
  std::vector<std::string> names;
  for (int i = 0; i < kSources; ++i) {
    names.push_back("s" + std::to_string(i));
    (void)(*engine)->addSource(names.back(), MediaCodec::kOpus);
    (void)(*engine)->setMixMinus(names.back(), true);
  }
  int64_t n = 0;
  const double start = threadCpuUs();
  for (auto _ : state) {
    const int64_t now = 1'000'000 + n * 20'000;
    for (int i = 0; i < kSources; ++i) {
      MediaFrame f = tones[i][static_cast<size_t>(n % kFrames)];
      f.ptsUs = f.dtsUs = n * 20'000;
      (void)(*engine)->push(names[i], f, now);
    }
    mcu::MixOutput out;
    (void)(*engine)->step(now, out);
    benchmark::DoNotOptimize(out);
    ++n;
  }
  const double cpuPerStep = (threadCpuUs() - start) / static_cast<double>(std::max<int64_t>(n, 1));
  state.counters["us_per_20ms"] = cpuPerStep;
  state.counters["core_share"] = cpuPerStep / 20'000.0;
}
BENCHMARK(BM_AudioMix16WithMixMinus16)->Unit(benchmark::kMicrosecond)->Iterations(1000);

}  // namespace

BENCHMARK_MAIN();
