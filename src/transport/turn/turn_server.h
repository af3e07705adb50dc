#pragma once
// TurnServer: the sans-IO TURN server (RFC 8656) of rtcgate — allocations over UDP or a
// stream, the long-term credential mechanism with REST API credentials, permissions,
// channels, lifetimes, quotas, and relaying only to rtcgate's own media addresses.
// Bytes and times come in through calls; bytes go out through a TurnServerListener.
// All times are wall-clock microseconds since the epoch (REST usernames carry unix times).

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "transport/turn/allocation.h"
#include "transport/turn/turn_credentials.h"
#include "transport/turn/turn_nonce.h"
#include "transport/turn/turn_types.h"
#include "wire/stun/builder.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::turn {

class TurnServer {
 public:
  TurnServer(TurnOptions options, TurnServerListener& listener);
  TurnServer(TurnOptions options, TurnServerListener& listener, const NonceSource& nonces);
  ~TurnServer();
  TurnServer(const TurnServer&) = delete;
  TurnServer& operator=(const TurnServer&) = delete;

  // The media addresses peers may have; replaces the previous set.
  void setPeerRoutes(std::vector<PeerRoute> routes) { routes_ = std::move(routes); }

  // One datagram (UDP) or one frame (stream, see wire::turn::nextFrameLength) from a client.
  void onClientMessage(const TurnClient& client, std::span<const uint8_t> bytes, int64_t nowUs) noexcept;
  // One datagram that arrived on an allocation's relayed socket.
  void onPeerDatagram(RelayId relay, const SocketAddress& from, std::span<const uint8_t> bytes,
                      int64_t nowUs) noexcept;
  // A stream connection closed: its allocation ends with it (§3.1).
  void onClientClosed(const TurnClient& client) noexcept;
  // Ends allocations whose lifetime ran out; call about once a second.
  void onTimer(int64_t nowUs) noexcept;
  // Ends every allocation (shutdown).
  void closeAll() noexcept;

  size_t allocationCount() const noexcept { return byClient_.size(); }
  const Allocation* allocationOf(const TurnClient& client) const noexcept;
  const TurnStats& stats() const noexcept { return stats_; }
  const TurnOptions& options() const noexcept { return options_; }

 private:
  using Method = wire::stun::StunMethod;
  using ErrorCode = wire::stun::ErrorCode;
  // A request that passed authentication.
  struct Authenticated {
    std::string_view username;
    wire::stun::IntegrityKey key;
  };
  using RequestHandler = void (TurnServer::*)(const TurnClient&, const wire::stun::StunMessage&,
                                              Authenticated&, int64_t);
  struct HandlerEntry {
    Method method;
    RequestHandler handler;
  };

  void onRequest(const TurnClient& client, const wire::stun::StunMessage& msg, int64_t nowUs) noexcept;
  std::optional<Authenticated> authenticate(const TurnClient& client, const wire::stun::StunMessage& msg,
                                            int64_t nowUs);
  void onSendIndication(const TurnClient& client, const wire::stun::StunMessage& msg, int64_t nowUs) noexcept;
  void onChannelData(const TurnClient& client, std::span<const uint8_t> bytes, int64_t nowUs) noexcept;

  // Request handlers (turn_requests.cc).
  void allocate(const TurnClient& client, const wire::stun::StunMessage& msg, Authenticated& auth,
                int64_t nowUs);
  void refresh(const TurnClient& client, const wire::stun::StunMessage& msg, Authenticated& auth,
               int64_t nowUs);
  void createPermission(const TurnClient& client, const wire::stun::StunMessage& msg, Authenticated& auth,
                        int64_t nowUs);
  void channelBind(const TurnClient& client, const wire::stun::StunMessage& msg, Authenticated& auth,
                   int64_t nowUs);
  static const std::array<HandlerEntry, 4>& handlers() noexcept;

  // Answers: a success with `fill` adding attributes, or an error; both signed with `key`
  // when given (a request that authenticated), with FINGERPRINT when the request had one.
  template <typename Fill>
  void respond(const TurnClient& client, const wire::stun::StunMessage& req, wire::stun::IntegrityKey* key,
               Fill&& fill, bool error = false) noexcept;
  void respondError(const TurnClient& client, const wire::stun::StunMessage& req, ErrorCode code,
                    wire::stun::IntegrityKey* key, std::string_view reason = {}) noexcept;
  void challenge(const TurnClient& client, const wire::stun::StunMessage& req, ErrorCode code, int64_t nowUs);
  void sendAllocateSuccess(const Allocation& a, const wire::stun::StunMessage& req,
                           wire::stun::IntegrityKey& key, int64_t nowUs) noexcept;

  Allocation* find(const TurnClient& client) noexcept;
  // The route of a peer address a client names, nullptr when it is not ours (403).
  const PeerRoute* routeTo(const SocketAddress& advertised) const noexcept;
  const PeerRoute* routeFrom(const SocketAddress& target) const noexcept;
  // Both budgets (allocation and user) have room for `bytes`.
  bool takeBudget(Allocation& a, size_t bytes, int64_t nowUs) noexcept;
  void release(Allocation& a) noexcept;
  int64_t lifetimeUs(std::optional<uint32_t> requestedS) const noexcept;
  // A unique transaction id for a Data indication (a counter: no syscall per packet).
  wire::stun::TransactionId nextIndicationTid() noexcept;

  TurnOptions options_;
  TurnServerListener& listener_;
  RestCredentials credentials_;
  std::unique_ptr<NonceSource> ownNonces_;
  const NonceSource& nonces_;
  std::vector<PeerRoute> routes_;
  std::vector<std::unique_ptr<Allocation>> slots_;  // by RelayId; null = free
  std::vector<RelayId> freeSlots_;
  std::unordered_map<TurnClient, RelayId, TurnClientHash> byClient_;
  std::unordered_map<std::string, TurnUser> users_;
  TurnStats stats_;
  uint32_t tidPrefix_ = 0;
  uint64_t tidCounter_ = 0;
  std::array<uint8_t, 2048 + 128> out_{};  // every message we send is built here
};

template <typename Fill>
void TurnServer::respond(const TurnClient& client, const wire::stun::StunMessage& req,
                         wire::stun::IntegrityKey* key, Fill&& fill, bool error) noexcept {
  wire::stun::StunBuilder b(out_, req.method(),
                            error ? wire::stun::StunClass::kError : wire::stun::StunClass::kSuccess,
                            req.transactionId());
  fill(b);
  b.addSoftware("rtcgate");
  if (key != nullptr) b.addMessageIntegrity(*key);
  if (req.fingerprint()) b.addFingerprint();
  if (auto out = b.finish(); out.ok()) listener_.sendToClient(client, *out);
}

}  // namespace rtcgate::transport::turn
