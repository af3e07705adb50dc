// Data channel fan-out on one core: a publisher's 1 KiB messages arrive on one SCTP
// association and are sent on ten (one per player), as a worker does for a WHIP stream
// with ten WHEP players. Only the gateway's side is timed (CPU time of the calls into its
// eleven associations: receive, reassemble, fan out, fragment, SACK handling); the
// publisher and the players are driven by the same code on the other end of an in-memory
// network with no loss. Counters: messages/s and MB/s sent to players per core.
#include <benchmark/benchmark.h>

#include <time.h>

#include <deque>
#include <memory>
#include <vector>

#include "transport/sctp/data_channels.h"

using namespace rtcgate::transport::sctp;

namespace {

int64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

struct End final : DataChannelsListener {
  std::vector<std::vector<uint8_t>> out;
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> in;
  uint64_t received = 0;
  std::unique_ptr<DataChannels> dc;
  explicit End(bool even) { dc = std::make_unique<DataChannels>(DataChannelsConfig{.evenIds = even}, *this); }
  void onDataChannelsSend(std::span<const uint8_t> p) override { out.emplace_back(p.begin(), p.end()); }
  void onDataChannelOpen(const DataChannelInfo&) override {}
  void onDataChannelMessage(const DataChannelInfo& c, bool, std::vector<uint8_t>&& d) override {
    ++received;
    in.emplace_back(c.id, std::move(d));
  }
  void onDataChannelClosed(const DataChannelInfo&, std::string_view) override {}
  void onDataChannelsEnded(std::string_view) override {}
};

// Moves what `from` sent to `to`; true when anything moved.
bool pump(End& from, End& to, int64_t now, int64_t& gatewayNs, bool toIsGateway) {
  if (from.out.empty()) return false;
  auto packets = std::move(from.out);
  from.out.clear();
  const int64_t t0 = toIsGateway ? threadCpuNs() : 0;
  for (auto& p : packets) to.dc->onPacket(p, now);
  if (toIsGateway) gatewayNs += threadCpuNs() - t0;
  return true;
}

void BM_FanOut1KiBTo10(benchmark::State& state) {
  constexpr int kPlayers = 10;
  End publisher(true), gwIn(false);
  std::vector<std::unique_ptr<End>> gwOut, players;
  for (int i = 0; i < kPlayers; ++i) {
    gwOut.push_back(std::make_unique<End>(false));
    players.push_back(std::make_unique<End>(true));
  }
  int64_t now = 1'000'000, gatewayNs = 0;
  const auto settle = [&] {
    for (bool moved = true; moved;) {
      moved = pump(publisher, gwIn, now, gatewayNs, true);
      moved |= pump(gwIn, publisher, now, gatewayNs, false);
      for (int i = 0; i < kPlayers; ++i) {
        moved |= pump(*gwOut[i], *players[i], now, gatewayNs, false);
        moved |= pump(*players[i], *gwOut[i], now, gatewayNs, true);
      }
    }
  };
  publisher.dc->connect(now);
  for (auto& p : players) p->dc->connect(now);
  settle();
  auto pubId = publisher.dc->open("chat", "", {}, now);
  std::vector<uint16_t> outIds;
  for (auto& p : players) outIds.push_back(*p->dc->open("chat", "", {}, now));
  settle();
  for (auto& g : gwOut) g->in.clear();
  gwIn.in.clear();
  gatewayNs = 0;
  const auto message = std::make_shared<const std::vector<uint8_t>>(1024, 0x42);
  uint64_t delivered = 0;
  for (auto _ : state) {
    // 64 messages per iteration, then everything settles (SACKs included).
    for (int m = 0; m < 64; ++m) (void)publisher.dc->send(*pubId, true, message, now);
    for (bool moved = true; moved;) {
      moved = pump(publisher, gwIn, now, gatewayNs, true);
      // The gateway's fan-out of what arrived: one shared buffer to every player.
      const int64_t t0 = threadCpuNs();
      for (auto& [id, bytes] : gwIn.in) {
        auto shared = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
        for (int i = 0; i < kPlayers; ++i) (void)gwOut[i]->dc->send(outIds[i], true, shared, now);
      }
      gwIn.in.clear();
      gatewayNs += threadCpuNs() - t0;
      moved |= pump(gwIn, publisher, now, gatewayNs, false);
      for (int i = 0; i < kPlayers; ++i) {
        moved |= pump(*gwOut[i], *players[i], now, gatewayNs, false);
        moved |= pump(*players[i], *gwOut[i], now, gatewayNs, true);
      }
      now += 100;
    }
    for (auto& p : players) {
      delivered += p->received;
      p->received = 0;
      p->in.clear();
    }
  }
  const double seconds = static_cast<double>(gatewayNs) / 1e9;
  state.counters["messages_out_per_s_per_core"] = static_cast<double>(delivered) / seconds;
  state.counters["MB_out_per_s_per_core"] = static_cast<double>(delivered) * 1024 / 1e6 / seconds;
  state.counters["messages_in_per_s_per_core"] = static_cast<double>(delivered) / kPlayers / seconds;
  state.counters["gateway_us_per_message_in"] = seconds * 1e6 / (static_cast<double>(delivered) / kPlayers);
}
BENCHMARK(BM_FanOut1KiBTo10)->Unit(benchmark::kMillisecond)->Iterations(300);

}  // namespace

BENCHMARK_MAIN();
