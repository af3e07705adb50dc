// Fuzz target: the TURN server state machine and its parsers (ChannelData, stream framing,
// the TURN attributes of STUN). Each input is a script of chunks — [op][length u16][bytes] —
// run against a server in which one UDP client already holds an allocation with a
// permission and a channel for the media port, so fuzzed bytes reach every state.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "transport/turn/turn_credentials.h"
#include "transport/turn/turn_server.h"
#include "wire/stun/builder.h"
#include "wire/stun/integrity.h"
#include "wire/turn/channel_data.h"
#include "wire/turn/stream_framing.h"

using namespace rtcgate;
using namespace rtcgate::transport::turn;
namespace stun = rtcgate::wire::stun;

namespace {

constexpr int64_t kStartUs = 1'800'000'000'000'000;

class Edge final : public TurnServerListener {
 public:
  void sendToClient(const TurnClient&, std::span<const uint8_t> bytes) noexcept override {
    last.assign(bytes.begin(), bytes.end());
    // Everything the server sends must itself parse as STUN or ChannelData.
    if (wire::turn::looksLikeChannelData(bytes)) {
      if (!wire::turn::parseChannelData(bytes).ok()) __builtin_trap();
    } else if (!stun::StunMessage::parse(bytes).ok()) {
      __builtin_trap();
    }
  }
  void sendToPeer(RelayId, const SocketAddress&, std::span<const uint8_t>) noexcept override {}
  Result<SocketAddress> openRelay(RelayId relay, bool) override {
    if (relay > 8) return Error::noSpace("fuzz: no more relays");
    return *SocketAddress::parse("127.0.0.1", static_cast<uint16_t>(50000 + relay));
  }
  void closeRelay(RelayId) noexcept override {}
  std::vector<uint8_t> last;
};

const SocketAddress& media() {
  static const SocketAddress a = *SocketAddress::parse("127.0.0.1", 40000);
  return a;
}

// A signed request from `client` (after learning the nonce from a challenge).
void signedRequest(TurnServer& server, Edge& edge, const TurnClient& client, stun::StunMethod method,
                   const TurnCredential& cred, const std::string& nonce, void (*fill)(stun::StunBuilder&)) {
  std::array<uint8_t, 512> buf{};
  stun::TransactionId tid{};
  tid[0] = static_cast<uint8_t>(method);
  stun::StunBuilder b(buf, static_cast<uint16_t>(method), stun::StunClass::kRequest, tid);
  fill(b);
  b.addUsername(cred.username);
  b.addRealm("rtcgate");
  b.addNonce(nonce);
  const auto k = longTermKey(cred.username, "rtcgate", cred.password);
  stun::IntegrityKey key;
  (void)key.setKey({reinterpret_cast<const char*>(k->data()), k->size()});
  b.addMessageIntegrity(key);
  server.onClientMessage(client, *b.finish(), kStartUs);
  (void)edge;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const NonceSource nonces(std::array<uint8_t, NonceSource::kKeySize>{1, 2, 3});
  Edge edge;
  TurnOptions options;
  options.secret = "fuzz";
  options.maxAllocations = 4;
  TurnServer server(options, edge, nonces);
  server.setPeerRoutes({{media(), media()}});
  const TurnClient udp{ClientTransport::kUdp, 0, *SocketAddress::parse("192.0.2.1", 1000)};
  const TurnClient tcp{ClientTransport::kTcp, 7, *SocketAddress::parse("192.0.2.2", 2000)};
  const auto cred = RestCredentials("fuzz").mint("f", kStartUs / 1'000'000 + 3600);
  const std::string nonce = nonces.make(udp.remote, kStartUs + 600'000'000);
  signedRequest(server, edge, udp, stun::StunMethod::kAllocate, cred, nonce,
                [](stun::StunBuilder& b) { b.addRequestedTransport(17); });
  signedRequest(server, edge, udp, stun::StunMethod::kChannelBind, cred, nonce, [](stun::StunBuilder& b) {
    b.addChannelNumber(0x4000);
    b.addXorPeerAddress(media());
  });

  int64_t now = kStartUs;
  std::span<const uint8_t> in(data, size);
  while (in.size() >= 3) {
    const uint8_t op = in[0];
    const size_t len = std::min<size_t>(in.size() - 3, static_cast<size_t>(in[1]) << 8 | in[2]);
    const auto chunk = in.subspan(3, len);
    in = in.subspan(3 + len);
    (void)wire::turn::parseChannelData(chunk);
    (void)wire::turn::nextFrameLength(chunk);
    switch (op % 4) {
      case 0:
        server.onClientMessage(udp, chunk, now);
        break;
      case 1:
        server.onClientMessage(tcp, chunk, now);
        break;
      case 2:
        server.onPeerDatagram(op >> 2, media(), chunk, now);
        break;
      default:
        now += static_cast<int64_t>(op) * 5'000'000;
        server.onTimer(now);
        if (op & 0x80) server.onClientClosed(tcp);
        break;
    }
  }
  server.closeAll();
  return 0;
}
