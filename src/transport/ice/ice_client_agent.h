#pragma once
// IceClientAgent: a controlling full ICE agent for one remote candidate (RFC 8445).

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "base/clock.h"
#include "base/socket_address.h"
#include "transport/ice/binding_response.h"
#include "transport/ice/ice_types.h"
#include "transport/ice/keyed_credentials.h"
#include "wire/stun/stun_types.h"

namespace rtcgate::transport::ice {

// Settings of an IceClientAgent; defaults follow RFC 8489 §6.2.1 and RFC 7675.
struct IceClientConfig {
  // PRIORITY of the peer-reflexive candidate our checks may create (RFC 8445 §5.1.2.1:
  // type preference 110, local preference 65535, component 1).
  static constexpr uint32_t kPrflxPriority = (110U << 24) | (65535U << 8) | 255U;

  IceCredentials local;
  IceCredentials remote;
  SocketAddress remoteAddress;
  bool controlling = true;
  uint64_t tieBreaker = 0;  // 0: random (RFC 8445 §16.1)
  uint32_t priority = kPrflxPriority;
  int64_t initialRtoUs = 100'000;         // clamped to 100..500 ms; each retransmit doubles, up to 500 ms
  int maxTransmissions = 7;               // Rc of RFC 8489 §6.2.1
  int64_t consentIntervalUs = 5'000'000;  // randomised 0.8..1.2 (RFC 7675 §5.1)
  int64_t consentTimeoutUs = 30'000'000;
};

// Checks one remote candidate with aggressive nomination (USE-CANDIDATE on every check),
// retransmitting until an authenticated success arrives, then keeps consent with periodic
// checks. Also answers the peer's own checks and resolves role conflicts (RFC 8445
// §7.3.1.1, §7.2.5.1), so two instances can connect to each other. Sans-IO: bytes and
// time come in through calls, datagrams go out through IceListener.
class IceClientAgent {
 public:
  IceClientAgent(Clock& clock, IceListener& listener, IceClientConfig config);

  // Starts checking (new → checking) and sends the first check.
  void start() noexcept;
  void handleStun(std::span<const uint8_t> data, const SocketAddress& from) noexcept;
  int64_t nextTimeoutUs() const noexcept;
  void onTimer() noexcept;

  // ICE restart: new credentials on both sides, re-check the path (RFC 8445 §9).
  void restart(IceCredentials newLocal, IceCredentials newRemote);
  // The peer moved: check and then select the new remote address.
  void setRemoteAddress(const SocketAddress& remote) noexcept;
  // Our side moved (new socket / interface): re-check so the peer follows the new 5-tuple.
  void localAddressChanged() noexcept;
  void close() noexcept;

  IceState state() const noexcept { return state_; }
  bool controlling() const noexcept { return controlling_; }
  uint64_t tieBreaker() const noexcept { return tieBreaker_; }
  const SocketAddress& remoteAddress() const noexcept { return remoteAddress_; }
  const std::optional<SocketAddress>& selected() const noexcept { return selected_; }
  const IceCredentials& localCredentials() const noexcept { return creds_->local(); }
  const IceDropCounters& drops() const noexcept { return drops_; }
  // Requests sent, retransmissions included (for tests and metrics).
  uint64_t requestsSent() const noexcept { return requestsSent_; }

 private:
  static constexpr size_t kMaxRequestSize = 640;
  static constexpr int64_t kMaxRtoUs = 500'000;

  enum class TxKind : uint8_t { kNone, kCheck, kConsent };
  // The one outstanding Binding transaction (RFC 8489 §6.2.1), with its bytes for resends.
  struct Transaction {
    TxKind kind = TxKind::kNone;
    wire::stun::TransactionId id{};
    SocketAddress to;
    bool controlling = true;
    int sends = 0;
    int64_t rtoUs = 0;
    int64_t nextUs = 0;
    size_t size = 0;
    std::array<uint8_t, kMaxRequestSize> bytes{};
  };

  void startTransaction(TxKind kind) noexcept;
  void transmit() noexcept;
  void onTransactionTimeout() noexcept;
  bool matchResponse(const wire::stun::StunMessage& msg, const SocketAddress& from) noexcept;
  void handleSuccess(const wire::stun::StunMessage& msg) noexcept;
  void handleError(const wire::stun::StunMessage& msg) noexcept;
  void handleRequest(const wire::stun::StunMessage& msg, const SocketAddress& from) noexcept;
  // RFC 8445 §7.3.1.1; returns false when a 487 was sent.
  bool resolveRoleConflict(const wire::stun::StunMessage& msg, const SocketAddress& from) noexcept;
  void sendError(const wire::stun::StunMessage& msg, const SocketAddress& to, wire::stun::ErrorCode code,
                 bool authenticated, std::span<const uint16_t> unknown = {}) noexcept;
  void maybeConnect() noexcept;
  int64_t consentDelayUs() const noexcept;
  void setState(IceState s, std::string_view reason) noexcept;

  Clock& clock_;
  IceListener& listener_;
  IceClientConfig config_;
  std::unique_ptr<KeyedCredentials> creds_;
  SocketAddress remoteAddress_;
  bool controlling_;
  uint64_t tieBreaker_;
  IceState state_ = IceState::kNew;
  std::optional<SocketAddress> selected_;
  std::optional<SocketAddress> validated_;  // remote address of the last successful check
  bool nominatedByPeer_ = false;            // controlled role: peer sent USE-CANDIDATE
  int64_t lastResponseUs_ = 0;
  int64_t nextConsentUs_ = 0;
  uint64_t requestsSent_ = 0;
  Transaction tx_;
  IceDropCounters drops_;
  std::array<uint8_t, kMaxResponseSize> responseBuf_{};
};

}  // namespace rtcgate::transport::ice
