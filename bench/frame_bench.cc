// Micro-benchmarks of the RTP ⇄ frame bridges: cutting a video frame into payloads and
// reassembling it, per frame (bytes/s shows the copy cost), for a 50 KB keyframe-sized
// and a 5 KB delta-sized frame.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "media/h264_depacketizer.h"
#include "media/h264_packetizer.h"
#include "media/vp8_depacketizer.h"
#include "media/vp8_packetizer.h"

namespace {

using namespace rtcgate;

// An access unit of SPS, PPS and one slice of `size` bytes, free of start-code patterns.
std::vector<uint8_t> accessUnit(size_t size) {
  std::vector<uint8_t> au = {0, 0, 0,    1,    0x67, 0x42, 0xc0, 0x1f, 0xd9, 0, 0,
                             0, 1, 0x68, 0xcb, 0x8c, 0xb2, 0,    0,    0,    1, 0x65};
  for (size_t i = 1; i < size; ++i) au.push_back(static_cast<uint8_t>(1 + i % 250));
  return au;
}

std::vector<uint8_t> vp8Frame(size_t size) {
  std::vector<uint8_t> f(size);
  for (size_t i = 0; i < size; ++i) f[i] = static_cast<uint8_t>(i * 7);
  f[0] = 0x10;  // P bit clear: keyframe
  return f;
}

struct Payloads {
  std::vector<std::vector<uint8_t>> bytes;
  std::vector<bool> marker;
};

template <typename Packetizer>
Payloads drain(Packetizer& p) {
  Payloads out;
  std::array<uint8_t, 1500> buf{};
  while (p.hasNext()) {
    auto r = p.next(buf);
    out.bytes.emplace_back(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(r->size));
    out.marker.push_back(r->marker);
  }
  return out;
}

void BM_H264Packetize(benchmark::State& state) {
  const auto au = accessUnit(static_cast<size_t>(state.range(0)));
  media::H264Packetizer p;
  std::array<uint8_t, 1500> buf{};
  for (auto _ : state) {
    (void)p.setFrame(au);
    while (p.hasNext()) benchmark::DoNotOptimize(p.next(buf));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * au.size()));
}
BENCHMARK(BM_H264Packetize)->Arg(5'000)->Arg(50'000);

void BM_H264Depacketize(benchmark::State& state) {
  const auto au = accessUnit(static_cast<size_t>(state.range(0)));
  media::H264Packetizer p;
  (void)p.setFrame(au);
  const Payloads payloads = drain(p);
  media::H264Depacketizer d;
  std::vector<media::MediaFrame> frames;
  uint16_t seq = 0;
  uint32_t ts = 0;
  for (auto _ : state) {
    frames.clear();
    for (size_t i = 0; i < payloads.bytes.size(); ++i)
      d.push(seq++, ts, payloads.marker[i], payloads.bytes[i], frames);
    ts += 3000;
    benchmark::DoNotOptimize(frames.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * au.size()));
}
BENCHMARK(BM_H264Depacketize)->Arg(5'000)->Arg(50'000);

void BM_Vp8Packetize(benchmark::State& state) {
  const auto frame = vp8Frame(static_cast<size_t>(state.range(0)));
  media::Vp8Packetizer p;
  std::array<uint8_t, 1500> buf{};
  for (auto _ : state) {
    p.setFrame(frame, 1);
    while (p.hasNext()) benchmark::DoNotOptimize(p.next(buf));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
}
BENCHMARK(BM_Vp8Packetize)->Arg(5'000)->Arg(50'000);

void BM_Vp8Depacketize(benchmark::State& state) {
  const auto frame = vp8Frame(static_cast<size_t>(state.range(0)));
  media::Vp8Packetizer p;
  p.setFrame(frame, 1);
  const Payloads payloads = drain(p);
  media::Vp8Depacketizer d;
  std::vector<media::MediaFrame> frames;
  uint16_t seq = 0;
  uint32_t ts = 0;
  for (auto _ : state) {
    frames.clear();
    for (size_t i = 0; i < payloads.bytes.size(); ++i)
      d.push(seq++, ts, payloads.marker[i], payloads.bytes[i], frames);
    ts += 3000;
    benchmark::DoNotOptimize(frames.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
}
BENCHMARK(BM_Vp8Depacketize)->Arg(5'000)->Arg(50'000);

}  // namespace

BENCHMARK_MAIN();
