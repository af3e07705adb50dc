#pragma once
// A fake edge (records what the TURN server sends and which relays it opens) and a small
// TURN client that signs requests with REST API credentials, for the TURN server tests.

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "transport/turn/turn_credentials.h"
#include "transport/turn/turn_server.h"
#include "wire/stun/builder.h"
#include "wire/stun/integrity.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::turn::test {

struct Sent {
  TurnClient client;
  std::vector<uint8_t> bytes;
};
struct Relayed {
  RelayId relay;
  SocketAddress to;
  std::vector<uint8_t> bytes;
};

class FakeEdge final : public TurnServerListener {
 public:
  void sendToClient(const TurnClient& client, std::span<const uint8_t> bytes) noexcept override {
    toClient.push_back({client, {bytes.begin(), bytes.end()}});
  }
  void sendToPeer(RelayId relay, const SocketAddress& to, std::span<const uint8_t> bytes) noexcept override {
    toPeer.push_back({relay, to, {bytes.begin(), bytes.end()}});
  }
  Result<SocketAddress> openRelay(RelayId relay, bool ipv6) override {
    if (failOpen) return Error::noSpace("no port");
    opened.push_back(relay);
    return *SocketAddress::parse(ipv6 ? "::1" : "127.0.0.1", static_cast<uint16_t>(50000 + relay));
  }
  void closeRelay(RelayId relay) noexcept override { closed.push_back(relay); }

  std::vector<Sent> toClient;
  std::vector<Relayed> toPeer;
  std::vector<RelayId> opened, closed;
  bool failOpen = false;
};

using Fill = std::function<void(wire::stun::StunBuilder&)>;

// One TURN client 5-tuple with its credential; remembers the last nonce it was given.
class TestClient {
 public:
  TestClient(TurnServer& server, FakeEdge& edge, TurnClient self, TurnCredential credential,
             std::string realm)
      : server_(server),
        edge_(edge),
        self_(std::move(self)),
        cred_(std::move(credential)),
        realm_(std::move(realm)) {}

  const TurnClient& self() const { return self_; }
  TurnCredential& credential() { return cred_; }
  void setNonce(std::string n) { nonce_ = std::move(n); }

  // Sends one request (signed once a nonce is known) and returns the server's answer bytes.
  std::vector<uint8_t> send(wire::stun::StunMethod method, const Fill& fill, int64_t nowUs, bool sign = true,
                            wire::stun::TransactionId* tidOut = nullptr) {
    wire::stun::TransactionId tid{};
    for (auto& b : tid) b = static_cast<uint8_t>(++tidSeed_);
    if (tidOut) *tidOut = tid;
    return sendWithTid(method, fill, nowUs, sign, tid);
  }

  std::vector<uint8_t> sendWithTid(wire::stun::StunMethod method, const Fill& fill, int64_t nowUs, bool sign,
                                   const wire::stun::TransactionId& tid) {
    std::array<uint8_t, 1024> buf{};
    wire::stun::StunBuilder b(buf, static_cast<uint16_t>(method), wire::stun::StunClass::kRequest, tid);
    if (fill) fill(b);
    if (sign) {
      b.addUsername(cred_.username);
      b.addRealm(realm_);
      b.addNonce(nonce_);
      wire::stun::IntegrityKey key = keyOf(cred_);
      b.addMessageIntegrity(key);
    }
    b.addFingerprint();
    auto out = b.finish();
    EXPECT_TRUE(out.ok());
    const size_t before = edge_.toClient.size();
    server_.onClientMessage(self_, *out, nowUs);
    if (edge_.toClient.size() == before) return {};
    auto answer = edge_.toClient.back().bytes;
    if (auto m = wire::stun::StunMessage::parse(answer); m.ok() && m->nonce())
      nonce_ = std::string(*m->nonce());
    return answer;
  }

  // An unsigned request to learn the nonce, then the signed one.
  std::vector<uint8_t> call(wire::stun::StunMethod method, const Fill& fill, int64_t nowUs) {
    if (nonce_.empty()) send(method, fill, nowUs, false);
    return send(method, fill, nowUs);
  }

  wire::stun::IntegrityKey keyOf(const TurnCredential& c) const {
    const auto k = longTermKey(c.username, realm_, c.password);
    wire::stun::IntegrityKey key;
    EXPECT_TRUE(key.setKey({reinterpret_cast<const char*>(k->data()), k->size()}).ok());
    return key;
  }

 private:
  TurnServer& server_;
  FakeEdge& edge_;
  TurnClient self_;
  TurnCredential cred_;
  std::string realm_;
  std::string nonce_;
  uint8_t tidSeed_ = 0;
};

// The error code of an answer (0 for a success).
inline uint16_t errorOf(const std::vector<uint8_t>& answer) {
  auto m = wire::stun::StunMessage::parse(answer);
  if (!m.ok()) return 999;
  if (m->messageClass() == wire::stun::StunClass::kSuccess) return 0;
  return m->errorCode() ? m->errorCode()->code : 998;
}

}  // namespace rtcgate::transport::turn::test
