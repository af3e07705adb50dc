// The four TURN requests (RFC 8656 §7-§12) of TurnServer, each after authentication.
#include <algorithm>

#include "transport/turn/turn_server.h"
#include "wire/turn/channel_data.h"

namespace rtcgate::transport::turn {

namespace stun = wire::stun;

namespace {
constexpr uint8_t kUdpProtocol = 17;  // REQUESTED-TRANSPORT: relaying over UDP is all there is
}  // namespace

const std::array<TurnServer::HandlerEntry, 4>& TurnServer::handlers() noexcept {
  static const std::array<HandlerEntry, 4> table{{
      {Method::kAllocate, &TurnServer::allocate},
      {Method::kRefresh, &TurnServer::refresh},
      {Method::kCreatePermission, &TurnServer::createPermission},
      {Method::kChannelBind, &TurnServer::channelBind},
  }};
  return table;
}

void TurnServer::sendAllocateSuccess(const Allocation& a, const stun::StunMessage& req,
                                     stun::IntegrityKey& key, int64_t nowUs) noexcept {
  const auto remainingS = static_cast<uint32_t>(std::max<int64_t>(0, (a.expiresUs - nowUs) / 1'000'000));
  respond(a.client, req, &key, [&](stun::StunBuilder& b) {
    b.addXorRelayedAddress(a.relayed);
    b.addLifetime(remainingS);
    b.addXorMappedAddress(a.client.remote);
  });
}

// §7.2: one allocation per 5-tuple; UDP relaying; the quotas; a relayed socket of the family asked.
void TurnServer::allocate(const TurnClient& client, const stun::StunMessage& msg, Authenticated& auth,
                          int64_t nowUs) {
  if (Allocation* existing = find(client)) {
    // A retransmission (same transaction) gets the same success; anything else is a mismatch.
    if (std::equal(existing->allocateTid.begin(), existing->allocateTid.end(), msg.transactionId().begin()))
      return sendAllocateSuccess(*existing, msg, existing->key, nowUs);
    return respondError(client, msg, ErrorCode::kAllocationMismatch, &auth.key);
  }
  const auto transport = msg.requestedTransport();
  if (!transport)
    return respondError(client, msg, ErrorCode::kBadRequest, &auth.key, "REQUESTED-TRANSPORT missing");
  if (*transport != kUdpProtocol)
    return respondError(client, msg, ErrorCode::kUnsupportedTransportProtocol, &auth.key);
  const auto family = msg.requestedAddressFamily().value_or(0x01);
  if (family != 0x01 && family != 0x02)
    return respondError(client, msg, ErrorCode::kAddressFamilyNotSupported, &auth.key);

  const std::string user(RestCredentials::userOf(auth.username));
  if (byClient_.size() >= options_.maxAllocations) {
    stats_.refusedQuota.fetch_add(1, std::memory_order_relaxed);
    return respondError(client, msg, ErrorCode::kInsufficientCapacity, &auth.key,
                        "server at its allocation limit");
  }
  auto userIt = users_.find(user);
  if (userIt != users_.end() && userIt->second.allocations >= options_.maxAllocationsPerUser) {
    stats_.refusedQuota.fetch_add(1, std::memory_order_relaxed);
    return respondError(client, msg, ErrorCode::kAllocationQuotaReached, &auth.key);
  }

  RelayId id = 0;
  if (!freeSlots_.empty()) {
    id = freeSlots_.back();
    freeSlots_.pop_back();
  } else {
    id = static_cast<RelayId>(slots_.size());
    slots_.emplace_back();
  }
  auto relayed = listener_.openRelay(id, family == 0x02);
  if (!relayed.ok()) {
    freeSlots_.push_back(id);
    stats_.refusedQuota.fetch_add(1, std::memory_order_relaxed);
    return respondError(client, msg, ErrorCode::kInsufficientCapacity, &auth.key,
                        "no relayed address available");
  }
  if (userIt == users_.end()) {
    userIt = users_.emplace(user, TurnUser{}).first;
    userIt->second.budget = ByteBudget(options_.maxBitratePerUser);
  }
  auto a = std::make_unique<Allocation>();
  a->id = id;
  a->client = client;
  a->relayed = *relayed;
  a->username = std::string(auth.username);
  a->user = &userIt->second;
  a->key = std::move(auth.key);
  a->expiresUs = nowUs + lifetimeUs(msg.lifetime());
  a->allocateTid = msg.transactionIdCopy();
  a->budget = ByteBudget(options_.maxBitrateAllocation);
  ++a->user->allocations;
  Allocation& ref = *a;
  slots_[id] = std::move(a);
  byClient_.emplace(client, id);
  stats_.allocationsTotal.fetch_add(1, std::memory_order_relaxed);
  stats_.allocationsCurrent.store(byClient_.size(), std::memory_order_relaxed);
  sendAllocateSuccess(ref, msg, ref.key, nowUs);
}

// §8: a new lifetime, or 0 to delete.
void TurnServer::refresh(const TurnClient& client, const stun::StunMessage& msg, Authenticated& auth,
                         int64_t nowUs) {
  Allocation* a = find(client);
  if (a == nullptr) return respondError(client, msg, ErrorCode::kAllocationMismatch, &auth.key);
  const auto requested = msg.lifetime();
  if (requested && *requested == 0) {
    release(*a);
    return respond(client, msg, &auth.key, [](stun::StunBuilder& b) { b.addLifetime(0); });
  }
  const int64_t lifetime = lifetimeUs(requested);
  a->expiresUs = nowUs + lifetime;
  respond(client, msg, &auth.key,
          [&](stun::StunBuilder& b) { b.addLifetime(static_cast<uint32_t>(lifetime / 1'000'000)); });
}

// §9: every XOR-PEER-ADDRESS must be one of our media addresses, or none is installed.
void TurnServer::createPermission(const TurnClient& client, const stun::StunMessage& msg, Authenticated& auth,
                                  int64_t nowUs) {
  Allocation* a = find(client);
  if (a == nullptr) return respondError(client, msg, ErrorCode::kAllocationMismatch, &auth.key);
  std::array<SocketAddress, Allocation::kMaxPermissions> peers;
  size_t count = 0;
  stun::AttributeIterator it = msg.attributes();
  stun::StunAttribute attr;
  while (it.next(attr)) {
    if (attr.type != static_cast<uint16_t>(stun::AttributeType::kXorPeerAddress)) continue;
    const auto peer = msg.xorAddressValue(attr.value);
    if (!peer || count == peers.size())
      return respondError(client, msg, ErrorCode::kBadRequest, &auth.key, "bad or too many XOR-PEER-ADDRESS");
    if (peer->isIpv6() != a->relayed.isIpv6())
      return respondError(client, msg, ErrorCode::kPeerAddressFamilyMismatch, &auth.key);
    if (routeTo(*peer) == nullptr) {
      stats_.refusedForbiddenPeer.fetch_add(1, std::memory_order_relaxed);
      return respondError(client, msg, ErrorCode::kForbidden, &auth.key,
                          "peer is not a media address of this server");
    }
    peers[count++] = *peer;
  }
  if (count == 0)
    return respondError(client, msg, ErrorCode::kBadRequest, &auth.key, "XOR-PEER-ADDRESS missing");
  for (size_t i = 0; i < count; ++i) {
    if (!a->permit(peers[i], nowUs)) {
      stats_.refusedQuota.fetch_add(1, std::memory_order_relaxed);
      return respondError(client, msg, ErrorCode::kInsufficientCapacity, &auth.key, "too many permissions");
    }
  }
  respond(client, msg, &auth.key, [](stun::StunBuilder&) {});
}

// §12.2: binds a channel number to one of our media addresses (and installs its permission).
void TurnServer::channelBind(const TurnClient& client, const stun::StunMessage& msg, Authenticated& auth,
                             int64_t nowUs) {
  Allocation* a = find(client);
  if (a == nullptr) return respondError(client, msg, ErrorCode::kAllocationMismatch, &auth.key);
  const auto channel = msg.channelNumber();
  const auto peer = msg.xorPeerAddress();
  if (!channel || !wire::turn::validChannel(*channel) || !peer)
    return respondError(client, msg, ErrorCode::kBadRequest, &auth.key,
                        "CHANNEL-NUMBER 0x4000-0x4FFF and XOR-PEER-ADDRESS required");
  if (peer->isIpv6() != a->relayed.isIpv6())
    return respondError(client, msg, ErrorCode::kPeerAddressFamilyMismatch, &auth.key);
  if (routeTo(*peer) == nullptr) {
    stats_.refusedForbiddenPeer.fetch_add(1, std::memory_order_relaxed);
    return respondError(client, msg, ErrorCode::kForbidden, &auth.key,
                        "peer is not a media address of this server");
  }
  bool conflict = false;
  if (!a->bindChannel(*channel, *peer, nowUs, conflict)) {
    if (conflict)
      return respondError(client, msg, ErrorCode::kBadRequest, &auth.key,
                          "channel or peer already bound otherwise");
    stats_.refusedQuota.fetch_add(1, std::memory_order_relaxed);
    return respondError(client, msg, ErrorCode::kInsufficientCapacity, &auth.key, "too many channels");
  }
  respond(client, msg, &auth.key, [](stun::StunBuilder&) {});
}

}  // namespace rtcgate::transport::turn
