// Micro-benchmarks of the per-packet media machinery: the retransmission history every
// published packet enters, the NACK lookups answered from it, and the per-subscriber
// sequence/timestamp rewrite.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "base/packet_buffer.h"
#include "media/nack_generator.h"
#include "media/packet_history.h"
#include "media/rtp_rewriter.h"
#include "media/twcc_recorder.h"

namespace {

using namespace rtcgate;

void BM_PacketHistoryInsert(benchmark::State& state) {
  PacketPool pool(2048);
  media::PacketHistory history(static_cast<size_t>(state.range(0)));
  const std::vector<uint8_t> bytes(1200, 0xab);
  PacketRef packet = pool.copyOf(bytes);
  uint16_t seq = 0;
  int64_t now = 0;
  for (auto _ : state) {
    history.insert(seq++, packet, now);
    now += 1000;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PacketHistoryInsert)->Arg(128)->Arg(512);

void BM_PacketHistoryFind(benchmark::State& state) {
  PacketPool pool(2048);
  media::PacketHistory history(512);
  const std::vector<uint8_t> bytes(1200, 0xab);
  for (uint16_t s = 0; s < 512; ++s) history.insert(s, pool.copyOf(bytes), 0);
  uint16_t seq = 0;
  for (auto _ : state) {
    PacketRef found = history.find(seq, 1000);
    benchmark::DoNotOptimize(found.get());
    seq = static_cast<uint16_t>((seq + 7) & 1023);  // half hits, half misses
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PacketHistoryFind);

void BM_RtpRewriter(benchmark::State& state) {
  media::RtpRewriter rewriter(0x1234, 90000, 1, 0);
  uint16_t seq = 40000;
  uint32_t ts = 1000;
  int64_t now = 0;
  uint16_t outSeq = 0;
  uint32_t outTs = 0;
  int n = 0;
  for (auto _ : state) {
    if (++n == 10'000) {  // a simulcast switch now and then
      n = 0;
      rewriter.switchSource(now);
      seq = static_cast<uint16_t>(seq + 20000);
    }
    benchmark::DoNotOptimize(rewriter.rewrite(seq++, ts, now, outSeq, outTs));
    ts += 300;
    now += 3333;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpRewriter);

void BM_NackGeneratorOnPacket(benchmark::State& state) {
  media::NackGenerator nack;
  uint16_t seq = 0;
  int64_t now = 0;
  uint16_t out[64];
  for (auto _ : state) {
    seq = static_cast<uint16_t>(seq + ((seq & 127) == 0 ? 2 : 1));  // ~1 % loss
    nack.onPacket(seq, false, now);
    now += 1000;
    if ((seq & 15) == 0) benchmark::DoNotOptimize(nack.collect(now, out));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NackGeneratorOnPacket);

void BM_TwccRecorder(benchmark::State& state) {
  media::TwccRecorder twcc;
  std::vector<uint8_t> out(1500);
  uint16_t seq = 0;
  int64_t now = 0;
  for (auto _ : state) {
    twcc.onPacket(seq++, now);
    now += 1000;
    if ((seq & 63) == 0) benchmark::DoNotOptimize(twcc.buildFeedback(1, 2, now, out));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TwccRecorder);

}  // namespace

BENCHMARK_MAIN();
