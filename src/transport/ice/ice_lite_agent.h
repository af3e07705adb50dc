#pragma once
// IceLiteAgent: the server side of ICE for one WebRTC peer (RFC 8445 §2.5 ICE-lite).

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

namespace rtcgate::transport::ice {

// A sans-IO ICE-lite agent, always in the controlled role. It answers the peer's
// connectivity checks (RFC 8445 §7.3), selects the 5-tuple the peer nominates with
// USE-CANDIDATE (following it when it changes: NAT rebinding, network switch), keeps
// consent alive from the peer's checks (RFC 7675) and supports ICE restart. It never
// sends requests, so its only timer is the consent deadline.
//
// Liveness: a peer that keeps consent with periodic checks (browsers, every ~5 s) is
// governed by its checks alone. A peer that sends no checks after nomination (libnice,
// as in GStreamer's webrtcbin) is kept alive by what it authenticates on the selected
// path instead: SRTP/SRTCP that passed its auth tag (the transport reports it) and STUN
// binding indications (RFC 8445 §11 keepalives).
class IceLiteAgent {
 public:
  // Time without an authenticated check from the selected address before failing (RFC 7675 §5.1).
  static constexpr int64_t kConsentTimeoutUs = 30'000'000;
  // A check this long after its path was nominated is a consent check (RFC 7675 §5.1
  // sends them every 4-6 s), not one of the nomination's own retransmissions.
  static constexpr int64_t kConsentCheckAfterUs = 2'000'000;

  IceLiteAgent(Clock& clock, IceListener& listener, IceCredentials local, IceCredentials remote,
               int64_t consentTimeoutUs = kConsentTimeoutUs);

  // One datagram that looks like STUN, from `from`. Packet path: no allocation.
  void handleStun(std::span<const uint8_t> data, const SocketAddress& from) noexcept;
  // Absolute time (Clock µs) at which onTimer() must run, or kNoTimeout.
  int64_t nextTimeoutUs() const noexcept;
  void onTimer() noexcept;
  // Authenticated media or RTCP arrived on the selected path at `nowUs`. Packet path: cheap.
  void onAuthenticatedMedia(int64_t nowUs) noexcept {
    if (state_ == IceState::kConnected && !peerChecksConsent_) lastConsentUs_ = nowUs;
  }
  // True once the peer has shown it keeps consent with checks of its own.
  bool peerChecksConsent() const noexcept { return peerChecksConsent_; }

  // ICE restart (RFC 8445 §9): new credentials answer checks at once; the current path
  // stays selected until a check with the new credentials nominates a path.
  void restart(IceCredentials newLocal, IceCredentials newRemote);
  void close() noexcept;

  IceState state() const noexcept { return state_; }
  const std::optional<SocketAddress>& selected() const noexcept { return selected_; }
  const IceCredentials& localCredentials() const noexcept { return current_->local(); }
  const IceDropCounters& drops() const noexcept { return drops_; }
  // True between restart() and the first nomination under the new credentials.
  bool restartPending() const noexcept { return pending_ != nullptr; }

 private:
  void handleRequest(const wire::stun::StunMessage& msg, const SocketAddress& from) noexcept;
  // Which credential set a USERNAME names: the current one, the pending restart one, or none.
  KeyedCredentials* credentialsFor(std::string_view username) noexcept;
  void onAuthenticated(bool nominated, bool pendingCreds, const SocketAddress& from) noexcept;
  void select(const SocketAddress& remote) noexcept;
  void sendError(const wire::stun::StunMessage& msg, const SocketAddress& to, wire::stun::ErrorCode code,
                 wire::stun::IntegrityKey* key, std::span<const uint16_t> unknown = {}) noexcept;
  void send(const Result<std::span<uint8_t>>& built, const SocketAddress& to) noexcept;
  void setState(IceState s, std::string_view reason) noexcept;

  Clock& clock_;
  IceListener& listener_;
  std::unique_ptr<KeyedCredentials> current_;
  std::unique_ptr<KeyedCredentials> pending_;  // set between restart() and its nomination
  IceState state_ = IceState::kNew;
  std::optional<SocketAddress> selected_;
  int64_t lastConsentUs_ = 0;
  int64_t consentTimeoutUs_;
  int64_t selectedAtUs_ = 0;
  // Set by a check on the selected path well after its nomination (a consent check).
  bool peerChecksConsent_ = false;
  IceDropCounters drops_;
  std::array<uint8_t, kMaxResponseSize> sendBuf_{};
};

}  // namespace rtcgate::transport::ice
