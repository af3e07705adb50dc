#include "transport/ice/ice_client_agent.h"

#include <algorithm>
#include <utility>

#include "base/random.h"
#include "wire/stun/builder.h"
#include "transport/ice/stun_intake.h"
#include "wire/stun/integrity.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::ice {

using wire::stun::ErrorCode;
using wire::stun::StunBuilder;
using wire::stun::StunClass;
using wire::stun::StunMessage;
using wire::stun::StunMethod;

IceClientAgent::IceClientAgent(Clock& clock, IceListener& listener, IceClientConfig config)
    : clock_(clock),
      listener_(listener),
      config_(std::move(config)),
      creds_(std::make_unique<KeyedCredentials>(config_.local, config_.remote)),
      remoteAddress_(config_.remoteAddress),
      controlling_(config_.controlling),
      tieBreaker_(config_.tieBreaker != 0 ? config_.tieBreaker : randomU64()) {
  config_.initialRtoUs = std::clamp<int64_t>(config_.initialRtoUs, 100'000, kMaxRtoUs);
  config_.maxTransmissions = std::max(1, config_.maxTransmissions);
}

void IceClientAgent::start() noexcept {
  if (state_ != IceState::kNew) return;
  setState(IceState::kChecking, "checking started");
  startTransaction(TxKind::kCheck);
}

// RFC 8445 §7.2.2 check: USERNAME remote:local, PRIORITY, our role with the tie-breaker,
// USE-CANDIDATE when controlling (aggressive nomination), MESSAGE-INTEGRITY, FINGERPRINT.
void IceClientAgent::startTransaction(TxKind kind) noexcept {
  tx_.kind = kind;
  tx_.to = remoteAddress_;
  tx_.controlling = controlling_;
  tx_.sends = 0;
  tx_.rtoUs = config_.initialRtoUs;
  randomBytes(tx_.id);
  StunBuilder b(tx_.bytes, static_cast<uint16_t>(StunMethod::kBinding), StunClass::kRequest, tx_.id);
  b.addUsername(creds_->outgoingUsername());
  b.addPriority(config_.priority);
  if (controlling_) {
    b.addIceControlling(tieBreaker_);
    b.addUseCandidate();
  } else {
    b.addIceControlled(tieBreaker_);
  }
  b.addMessageIntegrity(creds_->remoteKey());
  b.addFingerprint();
  auto built = b.finish();
  if (!built.ok()) {  // only with absurdly long ufrags; nothing can be sent
    tx_.kind = TxKind::kNone;
    setState(IceState::kFailed, "cannot build connectivity check");
    return;
  }
  tx_.size = built->size();
  transmit();
}

// RFC 8489 §6.2.1 retransmission, with each interval capped at 500 ms and a final wait of
// 16 × the initial RTO after the last send.
void IceClientAgent::transmit() noexcept {
  const int64_t now = clock_.nowUs();
  ++tx_.sends;
  ++requestsSent_;
  if (tx_.sends < config_.maxTransmissions) {
    tx_.nextUs = now + tx_.rtoUs;
    tx_.rtoUs = std::min(tx_.rtoUs * 2, kMaxRtoUs);
  } else {
    tx_.nextUs = now + 16 * config_.initialRtoUs;
  }
  listener_.onIceSend(std::span(tx_.bytes).first(tx_.size), tx_.to);
}

void IceClientAgent::onTransactionTimeout() noexcept {
  const TxKind kind = tx_.kind;
  tx_.kind = TxKind::kNone;
  // A lost consent check is not fatal by itself: the 30 s consent deadline decides.
  if (kind == TxKind::kCheck) setState(IceState::kFailed, "connectivity checks timed out");
}

int64_t IceClientAgent::consentDelayUs() const noexcept {
  // Uniform in [0.8, 1.2] × interval so many agents do not check in lockstep (RFC 7675 §5.1).
  const int64_t spread = config_.consentIntervalUs * 4 / 10;
  return config_.consentIntervalUs * 8 / 10 + (spread > 0 ? static_cast<int64_t>(randomU64() % spread) : 0);
}

int64_t IceClientAgent::nextTimeoutUs() const noexcept {
  if (state_ != IceState::kChecking && state_ != IceState::kConnected) return kNoTimeout;
  int64_t next = kNoTimeout;
  if (tx_.kind != TxKind::kNone) next = tx_.nextUs;
  if (state_ == IceState::kConnected) {
    next = std::min(next, lastResponseUs_ + config_.consentTimeoutUs);
    if (tx_.kind != TxKind::kCheck) next = std::min(next, nextConsentUs_);
  }
  return next;
}

void IceClientAgent::onTimer() noexcept {
  if (state_ != IceState::kChecking && state_ != IceState::kConnected) return;
  const int64_t now = clock_.nowUs();
  if (state_ == IceState::kConnected && now >= lastResponseUs_ + config_.consentTimeoutUs) {
    tx_.kind = TxKind::kNone;
    setState(IceState::kFailed, "consent expired");
    return;
  }
  if (tx_.kind != TxKind::kNone && now >= tx_.nextUs) {
    if (tx_.sends < config_.maxTransmissions) {
      transmit();
    } else {
      onTransactionTimeout();
    }
  }
  // A pending full check doubles as the consent check.
  if (state_ == IceState::kConnected && tx_.kind != TxKind::kCheck && now >= nextConsentUs_) {
    nextConsentUs_ = now + consentDelayUs();
    startTransaction(TxKind::kConsent);
  }
}

void IceClientAgent::handleStun(std::span<const uint8_t> data, const SocketAddress& from) noexcept {
  auto msg = admitStun(data, state_, drops_);
  if (!msg) return;
  if (msg->method() != static_cast<uint16_t>(StunMethod::kBinding)) {
    drops_.count(IceDropReason::kUnexpectedMessage);
    return;
  }
  switch (msg->messageClass()) {
    case StunClass::kRequest:
      handleRequest(*msg, from);
      return;
    case StunClass::kSuccess:
      if (matchResponse(*msg, from)) handleSuccess(*msg);
      return;
    case StunClass::kError:
      if (matchResponse(*msg, from)) handleError(*msg);
      return;
    case StunClass::kIndication:
      return;  // keepalive
  }
}

// RFC 8445 §7.2.5.2.1: the response must answer our transaction and come from where the
// request went (non-symmetric paths are failures, here simply not accepted).
bool IceClientAgent::matchResponse(const StunMessage& msg, const SocketAddress& from) noexcept {
  if (tx_.kind == TxKind::kNone || !std::equal(tx_.id.begin(), tx_.id.end(), msg.transactionId().begin())) {
    drops_.count(IceDropReason::kStaleTransaction);
    return false;
  }
  if (from != tx_.to) {
    drops_.count(IceDropReason::kWrongSource);
    return false;
  }
  return true;
}

void IceClientAgent::handleSuccess(const StunMessage& msg) noexcept {
  if (!wire::stun::verifyMessageIntegrity(msg, creds_->remoteKey()).ok()) {
    drops_.count(IceDropReason::kBadIntegrity);
    return;
  }
  const int64_t now = clock_.nowUs();
  lastResponseUs_ = now;
  nextConsentUs_ = now + consentDelayUs();
  validated_ = tx_.to;
  tx_.kind = TxKind::kNone;
  maybeConnect();
}

// RFC 8445 §7.2.5.1: on 487 take the role opposite to the one the request claimed and
// check again; other errors end a connectivity check (consent errors just wait for expiry).
void IceClientAgent::handleError(const StunMessage& msg) noexcept {
  const auto err = msg.errorCode();
  const bool authentic = wire::stun::verifyMessageIntegrity(msg, creds_->remoteKey()).ok();
  if (err && err->code == static_cast<uint16_t>(ErrorCode::kRoleConflict)) {
    if (!authentic) {
      drops_.count(IceDropReason::kBadIntegrity);
      return;
    }
    controlling_ = !tx_.controlling;
    startTransaction(TxKind::kCheck);
    return;
  }
  const TxKind kind = tx_.kind;
  tx_.kind = TxKind::kNone;
  if (kind != TxKind::kCheck) return;
  if (err && err->code == static_cast<uint16_t>(ErrorCode::kUnauthorized)) {
    setState(IceState::kFailed, "check rejected: unauthorized");
  } else {
    setState(IceState::kFailed, "check rejected");
  }
}

void IceClientAgent::handleRequest(const StunMessage& msg, const SocketAddress& from) noexcept {
  if (!msg.username() || msg.messageIntegrity().empty() || !msg.priority()) {
    drops_.count(IceDropReason::kBadRequest);
    sendError(msg, from, ErrorCode::kBadRequest, false);
    return;
  }
  if (*msg.username() != creds_->incomingUsername()) {
    drops_.count(IceDropReason::kUnknownUsername);
    sendError(msg, from, ErrorCode::kUnauthorized, false);
    return;
  }
  if (!wire::stun::verifyMessageIntegrity(msg, creds_->localKey()).ok()) {
    drops_.count(IceDropReason::kBadIntegrity);
    sendError(msg, from, ErrorCode::kUnauthorized, false);
    return;
  }
  if (!msg.unknownRequired().empty()) {
    drops_.count(IceDropReason::kUnknownAttribute);
    sendError(msg, from, ErrorCode::kUnknownAttribute, true, msg.unknownRequired());
    return;
  }
  if (!resolveRoleConflict(msg, from)) return;
  auto built = buildBindingSuccess(responseBuf_, msg, from, creds_->localKey());
  if (built.ok()) listener_.onIceSend(*built, from);
  // Only our one remote candidate can be selected; checks from elsewhere are answered only.
  if (!controlling_ && msg.useCandidate() && from == remoteAddress_) nominatedByPeer_ = true;
  if (state_ == IceState::kChecking && tx_.kind == TxKind::kNone && !validated_) {
    startTransaction(TxKind::kCheck);  // triggered check (RFC 8445 §7.3.1.4)
  }
  maybeConnect();
}

bool IceClientAgent::resolveRoleConflict(const StunMessage& msg, const SocketAddress& from) noexcept {
  const bool wasControlling = controlling_;
  if (controlling_ && msg.iceControlling()) {
    if (tieBreaker_ >= *msg.iceControlling()) {
      drops_.count(IceDropReason::kRoleConflict);
      sendError(msg, from, ErrorCode::kRoleConflict, true);
      return false;
    }
    controlling_ = false;
  } else if (!controlling_ && msg.iceControlled()) {
    if (tieBreaker_ < *msg.iceControlled()) {
      drops_.count(IceDropReason::kRoleConflict);
      sendError(msg, from, ErrorCode::kRoleConflict, true);
      return false;
    }
    controlling_ = true;
  }
  // Our in-flight check claims the old role: resend it with the new one.
  if (controlling_ != wasControlling && tx_.kind == TxKind::kCheck) startTransaction(TxKind::kCheck);
  return true;
}

void IceClientAgent::maybeConnect() noexcept {
  if (!validated_ || (!controlling_ && !nominatedByPeer_)) return;
  if (!selected_ || *selected_ != *validated_) {
    selected_ = validated_;
    listener_.onIceSelected(*selected_);
  }
  if (state_ != IceState::kConnected) {
    lastResponseUs_ = clock_.nowUs();
    setState(IceState::kConnected, controlling_ ? "check succeeded" : "nominated by peer");
  }
}

void IceClientAgent::sendError(const StunMessage& msg, const SocketAddress& to, ErrorCode code,
                               bool authenticated, std::span<const uint16_t> unknown) noexcept {
  auto built =
      buildBindingError(responseBuf_, msg, code, authenticated ? &creds_->localKey() : nullptr, unknown);
  if (built.ok()) listener_.onIceSend(*built, to);
}

void IceClientAgent::restart(IceCredentials newLocal, IceCredentials newRemote) {
  creds_ = std::make_unique<KeyedCredentials>(std::move(newLocal), std::move(newRemote));
  nominatedByPeer_ = false;
  validated_.reset();
  if (state_ == IceState::kClosed) return;
  if (state_ != IceState::kConnected) setState(IceState::kChecking, "ice restart");
  startTransaction(TxKind::kCheck);
}

void IceClientAgent::setRemoteAddress(const SocketAddress& remote) noexcept {
  remoteAddress_ = remote;
  if (state_ == IceState::kChecking || state_ == IceState::kConnected) startTransaction(TxKind::kCheck);
}

void IceClientAgent::localAddressChanged() noexcept {
  if (state_ == IceState::kChecking || state_ == IceState::kConnected) startTransaction(TxKind::kCheck);
}

void IceClientAgent::close() noexcept {
  tx_.kind = TxKind::kNone;
  setState(IceState::kClosed, "closed");
}

void IceClientAgent::setState(IceState s, std::string_view reason) noexcept {
  if (state_ == s) return;
  state_ = s;
  listener_.onIceStateChanged(s, reason);
}

}  // namespace rtcgate::transport::ice
