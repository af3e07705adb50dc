#include "transport/ice/ice_lite_agent.h"

#include <utility>

#include "transport/ice/stun_intake.h"
#include "wire/stun/integrity.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::ice {

using wire::stun::ErrorCode;
using wire::stun::StunClass;
using wire::stun::StunMessage;
using wire::stun::StunMethod;

IceLiteAgent::IceLiteAgent(Clock& clock, IceListener& listener, IceCredentials local, IceCredentials remote,
                           int64_t consentTimeoutUs)
    : clock_(clock),
      listener_(listener),
      current_(std::make_unique<KeyedCredentials>(std::move(local), std::move(remote))),
      consentTimeoutUs_(consentTimeoutUs) {}

void IceLiteAgent::handleStun(std::span<const uint8_t> data, const SocketAddress& from) noexcept {
  auto msg = admitStun(data, state_, drops_);
  if (!msg) return;
  switch (msg->messageClass()) {
    case StunClass::kIndication:
      // Binding indications are keepalives (RFC 8445 §11): liveness for a peer that
      // sends no consent checks, and only from the selected path.
      if (selected_ && *selected_ == from) onAuthenticatedMedia(clock_.nowUs());
      return;
    case StunClass::kSuccess:
    case StunClass::kError:
      drops_.count(IceDropReason::kUnexpectedMessage);  // a lite agent sends no requests
      return;
    case StunClass::kRequest:
      break;
  }
  if (msg->method() != static_cast<uint16_t>(StunMethod::kBinding)) {
    drops_.count(IceDropReason::kBadRequest);
    sendError(*msg, from, ErrorCode::kBadRequest, nullptr);  // RFC 8489 §6.3: unknown method
    return;
  }
  handleRequest(*msg, from);
}

KeyedCredentials* IceLiteAgent::credentialsFor(std::string_view username) noexcept {
  if (username == current_->incomingUsername()) return current_.get();
  if (pending_ && username == pending_->incomingUsername()) return pending_.get();
  return nullptr;
}

// RFC 8489 §9.1.3 short-term authentication, then §6.3.1 unknown attributes, then
// RFC 8445 §7.3.1.1 role conflict, then the success response of §7.3.1.
void IceLiteAgent::handleRequest(const StunMessage& msg, const SocketAddress& from) noexcept {
  const auto username = msg.username();
  if (!username || msg.messageIntegrity().empty() || !msg.priority()) {
    drops_.count(IceDropReason::kBadRequest);
    sendError(msg, from, ErrorCode::kBadRequest, nullptr);
    return;
  }
  KeyedCredentials* creds = credentialsFor(*username);
  if (creds == nullptr) {
    drops_.count(IceDropReason::kUnknownUsername);
    sendError(msg, from, ErrorCode::kUnauthorized, nullptr);
    return;
  }
  if (!wire::stun::verifyMessageIntegrity(msg, creds->localKey()).ok()) {
    drops_.count(IceDropReason::kBadIntegrity);
    sendError(msg, from, ErrorCode::kUnauthorized, nullptr);
    return;
  }
  if (!msg.unknownRequired().empty()) {
    drops_.count(IceDropReason::kUnknownAttribute);
    sendError(msg, from, ErrorCode::kUnknownAttribute, &creds->localKey(), msg.unknownRequired());
    return;
  }
  // We are controlled. A peer that also claims controlled must become controlling: a lite
  // agent cannot take that role (§6.1.1), so it answers 487 whatever the tie-breakers say.
  if (msg.iceControlled()) {
    drops_.count(IceDropReason::kRoleConflict);
    sendError(msg, from, ErrorCode::kRoleConflict, &creds->localKey());
    return;
  }
  send(buildBindingSuccess(sendBuf_, msg, from, creds->localKey()), from);
  onAuthenticated(msg.useCandidate(), creds == pending_.get(), from);
}

void IceLiteAgent::onAuthenticated(bool nominated, bool pendingCreds, const SocketAddress& from) noexcept {
  const int64_t now = clock_.nowUs();
  if (pendingCreds && nominated) {
    // The restart completes: old credentials stop working (RFC 8445 §9).
    current_ = std::move(pending_);
  }
  if (state_ == IceState::kNew) {
    setState(IceState::kChecking, "first connectivity check");
    lastConsentUs_ = now;
  }
  if (nominated) {
    if (!selected_ || *selected_ != from) select(from);
    if (state_ != IceState::kConnected) setState(IceState::kConnected, "nominated");
  }
  // Consent is per path: only checks on the selected path keep it (RFC 7675 §5.1). Before
  // a path is selected any authenticated check keeps the checking phase alive.
  if (!selected_ || *selected_ == from) lastConsentUs_ = now;
  // Checks that go on after the nomination burst are consent checks: from then on this
  // peer's checks alone keep the session (media no longer does).
  if (selected_ && *selected_ == from && now - selectedAtUs_ >= kConsentCheckAfterUs) peerChecksConsent_ = true;
}

void IceLiteAgent::select(const SocketAddress& remote) noexcept {
  selected_ = remote;
  selectedAtUs_ = clock_.nowUs();
  listener_.onIceSelected(remote);
}

int64_t IceLiteAgent::nextTimeoutUs() const noexcept {
  if (state_ != IceState::kChecking && state_ != IceState::kConnected) return kNoTimeout;
  return lastConsentUs_ + consentTimeoutUs_;
}

void IceLiteAgent::onTimer() noexcept {
  if (clock_.nowUs() >= nextTimeoutUs()) setState(IceState::kFailed, "consent expired");
}

void IceLiteAgent::restart(IceCredentials newLocal, IceCredentials newRemote) {
  auto creds = std::make_unique<KeyedCredentials>(std::move(newLocal), std::move(newRemote));
  if (!selected_ || state_ != IceState::kConnected) {
    // No path to keep: the new credentials replace the old ones outright.
    current_ = std::move(creds);
    pending_.reset();
    selected_.reset();
    setState(IceState::kNew, "ice restart");
    return;
  }
  pending_ = std::move(creds);
}

void IceLiteAgent::close() noexcept {
  setState(IceState::kClosed, "closed");
}

void IceLiteAgent::sendError(const StunMessage& msg, const SocketAddress& to, ErrorCode code,
                             wire::stun::IntegrityKey* key, std::span<const uint16_t> unknown) noexcept {
  send(buildBindingError(sendBuf_, msg, code, key, unknown), to);
}

void IceLiteAgent::send(const Result<std::span<uint8_t>>& built, const SocketAddress& to) noexcept {
  if (built.ok()) listener_.onIceSend(*built, to);
}

void IceLiteAgent::setState(IceState s, std::string_view reason) noexcept {
  if (state_ == s) return;
  state_ = s;
  listener_.onIceStateChanged(s, reason);
}

}  // namespace rtcgate::transport::ice
