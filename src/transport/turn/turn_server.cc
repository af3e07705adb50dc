#include "transport/turn/turn_server.h"

#include <algorithm>

#include "base/byte_reader.h"
#include "base/random.h"
#include "wire/stun/integrity.h"
#include "wire/turn/channel_data.h"

namespace rtcgate::transport::turn {

namespace stun = wire::stun;

TurnServer::TurnServer(TurnOptions options, TurnServerListener& listener)
    : options_(std::move(options)),
      listener_(listener),
      credentials_(options_.secret),
      ownNonces_(std::make_unique<NonceSource>()),
      nonces_(*ownNonces_) {
  freeSlots_.reserve(options_.maxAllocations);
}

TurnServer::TurnServer(TurnOptions options, TurnServerListener& listener, const NonceSource& nonces)
    : options_(std::move(options)), listener_(listener), credentials_(options_.secret), nonces_(nonces) {
  freeSlots_.reserve(options_.maxAllocations);
}

TurnServer::~TurnServer() = default;

stun::TransactionId TurnServer::nextIndicationTid() noexcept {
  if (tidPrefix_ == 0) tidPrefix_ = randomU32() | 1;
  stun::TransactionId tid{};
  storeU32(tid.data(), tidPrefix_);
  const uint64_t n = ++tidCounter_;
  storeU32(tid.data() + 4, static_cast<uint32_t>(n >> 32));
  storeU32(tid.data() + 8, static_cast<uint32_t>(n));
  return tid;
}

void TurnServer::onClientMessage(const TurnClient& client, std::span<const uint8_t> bytes,
                                 int64_t nowUs) noexcept {
  if (wire::turn::looksLikeChannelData(bytes)) return onChannelData(client, bytes, nowUs);
  auto msg = stun::StunMessage::parse(bytes);
  if (!msg.ok()) {
    stats_.droppedMalformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  switch (msg->messageClass()) {
    case stun::StunClass::kRequest:
      return onRequest(client, *msg, nowUs);
    case stun::StunClass::kIndication:
      if (msg->method() == static_cast<uint16_t>(Method::kSend)) return onSendIndication(client, *msg, nowUs);
      return;
    default:
      return;  // responses are not ours to take (§6.3.3: ignored)
  }
}

void TurnServer::onRequest(const TurnClient& client, const stun::StunMessage& msg, int64_t nowUs) noexcept {
  const auto& table = handlers();
  const auto* entry = std::find_if(table.begin(), table.end(), [&](const HandlerEntry& e) {
    return static_cast<uint16_t>(e.method) == msg.method();
  });
  if (entry == table.end()) {
    // Binding requests are answered without credentials (RFC 8489 §3), like any STUN server.
    if (msg.method() == static_cast<uint16_t>(Method::kBinding)) {
      return respond(client, msg, nullptr,
                     [&](stun::StunBuilder& b) { b.addXorMappedAddress(client.remote); });
    }
    return respondError(client, msg, ErrorCode::kBadRequest, nullptr, "unknown method");
  }
  try {
    auto auth = authenticate(client, msg, nowUs);
    if (!auth) return;
    if (!msg.unknownRequired().empty()) {
      return respond(
          client, msg, &auth->key,
          [&](stun::StunBuilder& b) {
            b.addErrorCode(static_cast<uint16_t>(ErrorCode::kUnknownAttribute));
            b.addUnknownAttributes(msg.unknownRequired());
          },
          true);
    }
    (this->*(entry->handler))(client, msg, *auth, nowUs);
  } catch (const std::exception&) {
    // Only allocation failure can throw here (nonce strings, user table): answer and go on.
    respondError(client, msg, ErrorCode::kServerError, nullptr);
  }
}

// RFC 8489 §9.2.4: the long-term credential mechanism, with the REST API's password.
std::optional<TurnServer::Authenticated> TurnServer::authenticate(const TurnClient& client,
                                                                  const stun::StunMessage& msg,
                                                                  int64_t nowUs) {
  if (msg.messageIntegrity().empty()) {
    challenge(client, msg, ErrorCode::kUnauthorized, nowUs);
    return std::nullopt;
  }
  const auto username = msg.username();
  if (!username || !msg.realm() || !msg.nonce()) {
    respondError(client, msg, ErrorCode::kBadRequest, nullptr, "USERNAME, REALM and NONCE are required");
    return std::nullopt;
  }
  if (!nonces_.valid(*msg.nonce(), client.remote, nowUs) || *msg.realm() != options_.realm) {
    stats_.refusedAuth.fetch_add(1, std::memory_order_relaxed);
    challenge(client, msg, ErrorCode::kStaleNonce, nowUs);
    return std::nullopt;
  }
  const auto expiry = RestCredentials::expiryOf(*username);
  const auto password = expiry ? credentials_.passwordFor(*username) : std::nullopt;
  const auto key = password ? longTermKey(*username, options_.realm, *password) : std::nullopt;
  Authenticated auth{*username, {}};
  const bool keyed = key && auth.key.setKey({reinterpret_cast<const char*>(key->data()), key->size()}).ok();
  // An expired credential is refused like a wrong one (401), after the MAC check so the
  // answer does not tell a stranger which usernames exist.
  if (!keyed || !stun::verifyMessageIntegrity(msg, auth.key).ok() || *expiry * 1'000'000 <= nowUs) {
    stats_.refusedAuth.fetch_add(1, std::memory_order_relaxed);
    challenge(client, msg, ErrorCode::kUnauthorized, nowUs);
    return std::nullopt;
  }
  if (const Allocation* a = find(client); a && a->username != *username) {
    stats_.refusedAuth.fetch_add(1, std::memory_order_relaxed);
    respondError(client, msg, ErrorCode::kWrongCredentials, &auth.key);
    return std::nullopt;
  }
  return auth;
}

void TurnServer::challenge(const TurnClient& client, const stun::StunMessage& req, ErrorCode code,
                           int64_t nowUs) {
  const std::string nonce = nonces_.make(client.remote, nowUs + options_.nonceLifetimeS * 1'000'000);
  respond(
      client, req, nullptr,
      [&](stun::StunBuilder& b) {
        b.addErrorCode(static_cast<uint16_t>(code));
        b.addRealm(options_.realm);
        b.addNonce(nonce);
      },
      true);
}

void TurnServer::respondError(const TurnClient& client, const stun::StunMessage& req, ErrorCode code,
                              stun::IntegrityKey* key, std::string_view reason) noexcept {
  respond(
      client, req, key, [&](stun::StunBuilder& b) { b.addErrorCode(static_cast<uint16_t>(code), reason); },
      true);
}

// §11: a Send indication is relayed when the peer is ours and has a permission.
void TurnServer::onSendIndication(const TurnClient& client, const stun::StunMessage& msg,
                                  int64_t nowUs) noexcept {
  Allocation* a = find(client);
  const auto peer = msg.xorPeerAddress();
  const auto data = msg.data();
  if (a == nullptr || !peer || !data) {
    stats_.droppedMalformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const PeerRoute* route = routeTo(*peer);
  if (route == nullptr || !a->permitted(*peer, nowUs)) {
    stats_.droppedNoPermission.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!takeBudget(*a, data->size(), nowUs)) return;
  listener_.sendToPeer(a->id, route->target, *data);
  stats_.relayedBytesToPeers.fetch_add(data->size(), std::memory_order_relaxed);
  stats_.relayedPacketsToPeers.fetch_add(1, std::memory_order_relaxed);
}

// §12.6: ChannelData from a client goes to the channel's peer.
void TurnServer::onChannelData(const TurnClient& client, std::span<const uint8_t> bytes,
                               int64_t nowUs) noexcept {
  auto cd = wire::turn::parseChannelData(bytes);
  Allocation* a = cd.ok() ? find(client) : nullptr;
  if (a == nullptr) {
    stats_.droppedMalformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const SocketAddress* peer = a->peerOf(cd->channel, nowUs);
  const PeerRoute* route = peer ? routeTo(*peer) : nullptr;
  if (route == nullptr || !a->permitted(*peer, nowUs)) {
    stats_.droppedNoPermission.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!takeBudget(*a, cd->data.size(), nowUs)) return;
  listener_.sendToPeer(a->id, route->target, cd->data);
  stats_.relayedBytesToPeers.fetch_add(cd->data.size(), std::memory_order_relaxed);
  stats_.relayedPacketsToPeers.fetch_add(1, std::memory_order_relaxed);
}

// §11.3 and §12.7: a datagram from a permitted peer goes to the client, as ChannelData
// when a channel is bound to the peer, else in a Data indication.
void TurnServer::onPeerDatagram(RelayId relay, const SocketAddress& from, std::span<const uint8_t> bytes,
                                int64_t nowUs) noexcept {
  Allocation* a = relay < slots_.size() ? slots_[relay].get() : nullptr;
  const PeerRoute* route = routeFrom(from);
  if (a == nullptr || route == nullptr || !a->permitted(route->advertised, nowUs)) {
    stats_.droppedNoPermission.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (!takeBudget(*a, bytes.size(), nowUs)) return;
  std::span<const uint8_t> out;
  if (const uint16_t channel = a->channelFor(route->advertised, nowUs); channel != 0) {
    auto n = wire::turn::serializeChannelData(channel, bytes, isStream(a->client.transport), out_);
    if (n.ok()) out = std::span<const uint8_t>(out_).first(*n);
  } else {
    const stun::TransactionId tid = nextIndicationTid();
    stun::StunBuilder b(out_, static_cast<uint16_t>(Method::kData), stun::StunClass::kIndication, tid);
    b.addXorPeerAddress(route->advertised);
    b.addData(bytes);
    if (auto msg = b.finish(); msg.ok()) out = *msg;
  }
  if (out.empty()) {
    stats_.droppedMalformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  listener_.sendToClient(a->client, out);
  stats_.relayedBytesToClients.fetch_add(bytes.size(), std::memory_order_relaxed);
  stats_.relayedPacketsToClients.fetch_add(1, std::memory_order_relaxed);
}

void TurnServer::onClientClosed(const TurnClient& client) noexcept {
  if (Allocation* a = find(client)) release(*a);
}

void TurnServer::onTimer(int64_t nowUs) noexcept {
  for (auto& slot : slots_)
    if (slot && slot->expiresUs <= nowUs) release(*slot);
}

void TurnServer::closeAll() noexcept {
  for (auto& slot : slots_)
    if (slot) release(*slot);
}

const Allocation* TurnServer::allocationOf(const TurnClient& client) const noexcept {
  const auto it = byClient_.find(client);
  return it == byClient_.end() ? nullptr : slots_[it->second].get();
}

Allocation* TurnServer::find(const TurnClient& client) noexcept {
  const auto it = byClient_.find(client);
  return it == byClient_.end() ? nullptr : slots_[it->second].get();
}

const PeerRoute* TurnServer::routeTo(const SocketAddress& advertised) const noexcept {
  for (const auto& r : routes_)
    if (r.advertised == advertised) return &r;
  return nullptr;
}

const PeerRoute* TurnServer::routeFrom(const SocketAddress& target) const noexcept {
  for (const auto& r : routes_)
    if (r.target == target) return &r;
  return nullptr;
}

bool TurnServer::takeBudget(Allocation& a, size_t bytes, int64_t nowUs) noexcept {
  if (!a.budget.take(bytes, nowUs)) {
    stats_.droppedBandwidth.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (a.user != nullptr && !a.user->budget.take(bytes, nowUs)) {
    a.budget.refund(bytes);
    stats_.droppedBandwidth.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void TurnServer::release(Allocation& a) noexcept {
  const RelayId id = a.id;
  listener_.closeRelay(id);
  byClient_.erase(a.client);
  if (a.user != nullptr && --a.user->allocations == 0) {
    if (const auto it = users_.find(std::string(RestCredentials::userOf(a.username))); it != users_.end())
      users_.erase(it);
  }
  slots_[id].reset();
  freeSlots_.push_back(id);
  stats_.allocationsCurrent.store(byClient_.size(), std::memory_order_relaxed);
}

int64_t TurnServer::lifetimeUs(std::optional<uint32_t> requestedS) const noexcept {
  int64_t s = requestedS ? static_cast<int64_t>(*requestedS) : options_.defaultLifetimeS;
  s = std::clamp<int64_t>(s, std::min(options_.defaultLifetimeS, options_.maxLifetimeS),
                          options_.maxLifetimeS);
  return s * 1'000'000;
}

}  // namespace rtcgate::transport::turn
