// Fuzz target: an IceLiteAgent (and an IceClientAgent) fed arbitrary datagrams, plus a valid
// Binding request mutated by the input with its FINGERPRINT (and sometimes its
// MESSAGE-INTEGRITY) recomputed so mutations reach the authenticated paths.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/byte_reader.h"
#include "base/clock.h"
#include "transport/ice/ice_client_agent.h"
#include "transport/ice/ice_lite_agent.h"
#include "wire/stun/builder.h"
#include "wire/stun/integrity.h"

using namespace rtcgate;
using namespace rtcgate::transport::ice;
using namespace rtcgate::wire::stun;

namespace {

class NullListener : public IceListener {
 public:
  void onIceSend(std::span<const uint8_t>, const SocketAddress&) override {}
  void onIceStateChanged(IceState, std::string_view) override {}
  void onIceSelected(const SocketAddress&) override {}
};

const IceCredentials kLite{"liteufrag", "lite-password-0123456789"};
const IceCredentials kPeer{"peer", "peer-password-0123456789"};

std::vector<uint8_t> validRequest(IntegrityKey& key) {
  std::vector<uint8_t> buf(256);
  TransactionId tid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  StunBuilder b(buf, 1, StunClass::kRequest, tid);
  b.addUsername("liteufrag:peer");
  b.addPriority(1853824767);
  b.addIceControlling(0x0123456789ABCDEFULL);
  b.addUseCandidate();
  const uint8_t netInfo[4] = {0, 1, 0, 10};
  b.addRaw(0xC057, netInfo);
  b.addMessageIntegrity(key);
  b.addFingerprint();
  auto out = b.finish();
  buf.resize(out.ok() ? out->size() : 0);
  return buf;
}

// Re-signs a mutated message where its own structure allows, so checks get past auth.
void resign(std::vector<uint8_t>& msg, IntegrityKey& key, bool integrity) {
  auto m = StunMessage::parse(msg);
  if (!m.ok()) return;
  if (integrity && m->messageIntegrityOffset() != 0) {
    const size_t off = m->messageIntegrityOffset();
    (void)computeMessageIntegrity(msg, off, key, std::span<uint8_t, kHmacSha1Size>(msg.data() + off + 4, 20));
  }
  if (m->fingerprintOffset() != 0) {
    const size_t off = m->fingerprintOffset();
    storeU32(msg.data() + off + 4, computeFingerprint(std::span(msg).first(off)));
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static IntegrityKey liteKey = [] {
    IntegrityKey k;
    (void)k.setKey(kLite.pwd);
    return k;
  }();
  static const std::vector<uint8_t> kValid = validRequest(liteKey);

  FakeClock clock;
  NullListener listener;
  IceLiteAgent lite(clock, listener, kLite, kPeer);
  IceClientAgent client(clock, listener,
                        IceClientConfig{.local = kPeer,
                                        .remote = kLite,
                                        .remoteAddress = *SocketAddress::parse("10.0.0.1", 3478),
                                        .tieBreaker = 7});
  client.start();
  const auto from = SocketAddress::ipv4(0x0A000002, 5000);
  const std::span<const uint8_t> in(data, size);
  lite.handleStun(in, from);
  client.handleStun(in, *SocketAddress::parse("10.0.0.1", 3478));

  // Input as (position, xor, length-delta) triples applied to the valid request.
  std::vector<uint8_t> msg = kValid;
  for (size_t i = 0; i + 2 < size; i += 3) {
    if (msg.empty()) break;
    msg[data[i] % msg.size()] ^= data[i + 1];
    if (data[i + 2] == 0xFF && msg.size() > 1) msg.pop_back();
    if (data[i + 2] == 0xFE) msg.push_back(data[i + 1]);
  }
  lite.handleStun(msg, from);
  resign(msg, liteKey, false);
  lite.handleStun(msg, from);
  resign(msg, liteKey, true);
  lite.handleStun(msg, from);
  clock.advanceUs(size > 0 ? int64_t{data[0]} * 1'000'000 : 0);
  lite.onTimer();
  client.onTimer();
  return 0;
}
