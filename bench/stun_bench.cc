// STUN hot-path costs: checking a Chromium connectivity check, building the success
// response, and the whole ICE-lite request path.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "base/clock.h"
#include "transport/ice/binding_response.h"
#include "transport/ice/ice_lite_agent.h"
#include "wire/stun/builder.h"
#include "wire/stun/integrity.h"
#include "wire/stun/message.h"

using namespace rtcgate;
using namespace rtcgate::wire::stun;

namespace {

constexpr std::string_view kLiteUfrag = "Ab3d";
constexpr std::string_view kLitePwd = "lite-password-0123456789";
constexpr std::string_view kPeerUfrag = "x9Yz";

// A Binding request shaped like Chromium's: USERNAME, GOOG-NETWORK-INFO, PRIORITY,
// ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT (about 100 bytes).
std::vector<uint8_t> chromiumRequest() {
  IntegrityKey key;
  (void)key.setKey(kLitePwd);
  std::vector<uint8_t> buf(256);
  TransactionId tid{0x4a, 0x31, 0x77, 0x10, 0x02, 0x9c, 0xd3, 0x5e, 0x61, 0x08, 0xbb, 0x2f};
  StunBuilder b(buf, 1, StunClass::kRequest, tid);
  b.addUsername("Ab3d:x9Yz");
  const uint8_t netInfo[4] = {0x00, 0x01, 0x00, 0x0a};
  b.addRaw(static_cast<uint16_t>(AttributeType::kGoogNetworkInfo), netInfo);
  b.addPriority(1853824767);
  b.addIceControlling(0x8a7c3b2d1e0f4a5bULL);
  b.addUseCandidate();
  b.addMessageIntegrity(key);
  b.addFingerprint();
  buf.resize(b.finish()->size());
  return buf;
}

// NOLINTNEXTLINE(readability-identifier-naming): Google Benchmark naming
void BM_StunCheck(benchmark::State& state) {
  const auto req = chromiumRequest();
  IntegrityKey key;
  (void)key.setKey(kLitePwd);
  for (auto _ : state) {
    auto m = StunMessage::parse(req);
    const bool ok = m.ok() && verifyFingerprint(*m).ok() && verifyMessageIntegrity(*m, key).ok();
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size()));
  state.counters["msg_bytes"] = static_cast<double>(req.size());
}
BENCHMARK(BM_StunCheck);

// NOLINTNEXTLINE(readability-identifier-naming): Google Benchmark naming
void BM_StunParseOnly(benchmark::State& state) {
  const auto req = chromiumRequest();
  for (auto _ : state) {
    auto m = StunMessage::parse(req);
    benchmark::DoNotOptimize(m.ok());
  }
}
BENCHMARK(BM_StunParseOnly);

// NOLINTNEXTLINE(readability-identifier-naming): Google Benchmark naming
void BM_StunBuildSuccess(benchmark::State& state) {
  const auto req = chromiumRequest();
  const auto m = StunMessage::parse(req);
  IntegrityKey key;
  (void)key.setKey(kLitePwd);
  const auto mapped = *SocketAddress::parse("198.51.100.7", 50000);
  std::array<uint8_t, transport::ice::kMaxResponseSize> out{};
  for (auto _ : state) {
    auto built = transport::ice::buildBindingSuccess(out, *m, mapped, key);
    benchmark::DoNotOptimize(built.ok());
  }
}
BENCHMARK(BM_StunBuildSuccess);

class NullListener : public transport::ice::IceListener {
 public:
  void onIceSend(std::span<const uint8_t> d, const SocketAddress&) override {
    benchmark::DoNotOptimize(d.data());
  }
  void onIceStateChanged(transport::ice::IceState, std::string_view) override {}
  void onIceSelected(const SocketAddress&) override {}
};

// Everything the media worker does per check: parse, FINGERPRINT, USERNAME, HMAC, answer.
// NOLINTNEXTLINE(readability-identifier-naming): Google Benchmark naming
void BM_IceLiteHandleRequest(benchmark::State& state) {
  const auto req = chromiumRequest();
  SteadyClock clock;
  NullListener listener;
  transport::ice::IceLiteAgent agent(clock, listener, {std::string(kLiteUfrag), std::string(kLitePwd)},
                                     {std::string(kPeerUfrag), "peer-password-0123456789"});
  const auto from = *SocketAddress::parse("198.51.100.7", 50000);
  for (auto _ : state) agent.handleStun(req, from);
  if (agent.state() != transport::ice::IceState::kConnected) state.SkipWithError("request not accepted");
}
BENCHMARK(BM_IceLiteHandleRequest);

}  // namespace

BENCHMARK_MAIN();
