#include "transport/webrtc/webrtc_transport.h"

#include "wire/demux.h"
#include "wire/rtcp/compound.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::transport::webrtc {

namespace dtls = crypto::dtls;

WebRtcTransport::WebRtcTransport(Clock& clock, PacketPool& pool, dtls::DtlsContext& dtlsContext,
                                 WebRtcTransportOptions options, WebRtcTransportListener& listener)
    : clock_(clock),
      pool_(pool),
      options_(std::move(options)),
      listener_(listener),
      dtls_(dtlsContext, options_.dtlsRole, clock, *this) {
  if (options_.iceMode == WebRtcTransportOptions::IceMode::kLite) {
    lite_ = std::make_unique<ice::IceLiteAgent>(clock, static_cast<ice::IceListener&>(*this), options_.localIce, options_.remoteIce,
                                                options_.consentTimeoutUs);
  } else {
    ice::IceClientConfig config;
    config.local = options_.localIce;
    config.remote = options_.remoteIce;
    config.remoteAddress = options_.remoteCandidate;
    config.consentTimeoutUs = options_.consentTimeoutUs;
    config.consentIntervalUs = options_.consentIntervalUs;
    client_ = std::make_unique<ice::IceClientAgent>(clock, static_cast<ice::IceListener&>(*this), std::move(config));
  }
  if (options_.dataChannels) {
    auto config = *options_.dataChannels;
    config.evenIds = options_.dtlsRole == dtls::DtlsRole::kClient;  // RFC 8832 §6
    data_ = std::make_unique<sctp::DataChannels>(config, static_cast<sctp::DataChannelsListener&>(*this));
  }
}

WebRtcTransport::~WebRtcTransport() = default;

Status WebRtcTransport::start() {
  if (state_ != TransportState::kNew) return Error::state("transport already started");
  if (!options_.remoteFingerprint.empty()) {
    RTCGATE_TRY(dtls_.setRemoteFingerprint(options_.remoteFingerprintAlgorithm, options_.remoteFingerprint));
  }
  connectDeadlineUs_ = clock_.nowUs() + options_.connectTimeoutUs;
  setState(TransportState::kConnecting, "");
  if (client_) client_->start();
  return {};
}

void WebRtcTransport::onDatagram(PacketRef packet, const SocketAddress& from) {
  if (state_ == TransportState::kFailed || state_ == TransportState::kClosed) return;
  stats_.bytesIn += packet->size;
  const auto bytes = packet->span();
  switch (wire::classifyPacket(bytes)) {
    case wire::PacketClass::kStun:
      handleStun(bytes, from);
      return;
    case wire::PacketClass::kDtls:
      if (from != selected_) {
        drops_.count(DropReason::kUnknownSource);  // DTLS only on the path ICE validated
        return;
      }
      ++stats_.dtlsIn;
      if (!dtls_.onData(bytes).ok()) drops_.count(DropReason::kBadDtls);
      return;
    case wire::PacketClass::kRtpOrRtcp:
      if (from != selected_) {
        drops_.count(DropReason::kUnknownSource);
        return;
      }
      onSrtp(std::move(packet));
      return;
    default:
      drops_.count(DropReason::kUnknownFirstByte);
      return;
  }
}

void WebRtcTransport::onSrtp(PacketRef packet) noexcept {
  if (!srtpIn_) {
    drops_.count(DropReason::kNotReady);
    return;
  }
  const bool rtcp = wire::isRtcp(packet->span());
  auto buffer = std::span<uint8_t>(packet->data(), packet->tailCapacity());
  auto plain = rtcp ? srtpIn_->unprotectRtcp(buffer, packet->size) : srtpIn_->unprotectRtp(buffer, packet->size);
  if (!plain.ok()) {
    drops_.count(plain.error().code == Error::Code::kReplay ? DropReason::kSrtpReplay
                 : plain.error().code == Error::Code::kAuthFailed ? DropReason::kSrtpAuth
                 : rtcp ? DropReason::kBadRtcp : DropReason::kBadRtp);
    return;
  }
  packet->size = static_cast<uint32_t>(*plain);
  packet->receivedUs = clock_.nowUs();
  // Authentic SRTP from the selected path is a sign of life (peers without consent checks).
  if (lite_) lite_->onAuthenticatedMedia(packet->receivedUs);
  // Authentic but malformed (a buggy peer): drop here so nothing above sees bad framing.
  const bool valid = rtcp ? wire::rtcp::validateCompound(packet->span()).ok()
                          : wire::rtp::RtpPacketView::parse(packet->span()).ok();
  if (!valid) {
    drops_.count(rtcp ? DropReason::kBadRtcp : DropReason::kBadRtp);
    return;
  }
  if (rtcp) {
    ++stats_.rtcpIn;
    listener_.onTransportRtcp(*this, std::move(packet));
  } else {
    ++stats_.rtpIn;
    listener_.onTransportRtp(*this, std::move(packet));
  }
}

Status WebRtcTransport::protectAndSend(PacketRef packet, bool rtcp) noexcept {
  if (state_ != TransportState::kConnected || !srtpOut_) return Error::state("transport not connected");
  if (!packet || packet.useCount() != 1) return Error::state("packet buffer must be owned by the sender alone");
  auto buffer = std::span<uint8_t>(packet->data(), packet->tailCapacity());
  auto len = rtcp ? srtpOut_->protectRtcp(buffer, packet->size) : srtpOut_->protectRtp(buffer, packet->size);
  if (!len.ok()) return len.error();
  packet->size = static_cast<uint32_t>(*len);
  stats_.bytesOut += packet->size;
  ++(rtcp ? stats_.rtcpOut : stats_.rtpOut);
  listener_.onTransportSend(*this, std::move(packet), selected_);
  return {};
}

Status WebRtcTransport::sendRtp(PacketRef packet) noexcept { return protectAndSend(std::move(packet), false); }
Status WebRtcTransport::sendRtcp(PacketRef packet) noexcept { return protectAndSend(std::move(packet), true); }

Status WebRtcTransport::sendRtpCopy(std::span<const uint8_t> bytes) noexcept {
  PacketRef p = pool_.copyOf(bytes);
  if (!p) return Error::noSpace("packet pool exhausted or packet too large");
  return sendRtp(std::move(p));
}

Status WebRtcTransport::sendRtcpCopy(std::span<const uint8_t> bytes) noexcept {
  PacketRef p = pool_.copyOf(bytes);
  if (!p) return Error::noSpace("packet pool exhausted or packet too large");
  return sendRtcp(std::move(p));
}

void WebRtcTransport::handleStun(std::span<const uint8_t> bytes, const SocketAddress& from) noexcept {
  if (lite_) lite_->handleStun(bytes, from);
  else client_->handleStun(bytes, from);
}

int64_t WebRtcTransport::iceTimeoutUs() const noexcept {
  return lite_ ? lite_->nextTimeoutUs() : client_->nextTimeoutUs();
}

std::optional<int64_t> WebRtcTransport::nextTimeoutUs() const noexcept {
  std::optional<int64_t> next;
  if (const int64_t t = iceTimeoutUs(); t != ice::kNoTimeout) next = t;
  if (state_ == TransportState::kConnecting && (!next || connectDeadlineUs_ < *next)) next = connectDeadlineUs_;
  if (auto d = dtls_.nextTimeoutUs(); d && (!next || *d < *next)) next = d;
  if (data_ && state_ == TransportState::kConnected)
    if (auto d = data_->nextTimeoutUs(); d && (!next || *d < *next)) next = d;
  return next;
}

void WebRtcTransport::onTimer() {
  if (state_ == TransportState::kFailed || state_ == TransportState::kClosed) return;
  const int64_t now = clock_.nowUs();
  if (state_ == TransportState::kConnecting && now >= connectDeadlineUs_) {
    // Say how far it got, so an operator can tell a blocked path from a failed handshake.
    const auto ice = lite_ ? lite_->state() : client_->state();
    setState(TransportState::kFailed, "not connected in time (ice " + std::string(ice::iceStateName(ice)) +
                                          ", dtls " + std::string(dtls::dtlsStateName(dtls_.state())) + ", " +
                                          std::to_string(stats_.dtlsIn) + " DTLS datagrams in, " +
                                          std::to_string(stats_.dtlsOut) + " out; " +
                                          dtls_.handshakeDiagnostics() + ")");
    return;
  }
  if (iceTimeoutUs() <= now) {
    if (lite_) lite_->onTimer();
    else client_->onTimer();
  }
  if (state_ == TransportState::kFailed) return;
  if (auto t = dtls_.nextTimeoutUs(); t && *t <= now) dtls_.onTimer();
  if (data_ && state_ == TransportState::kConnected)
    if (auto t = data_->nextTimeoutUs(); t && *t <= now) data_->onTimer(now);
}

bool WebRtcTransport::restartIce(const ice::IceCredentials& local, const ice::IceCredentials& remote) {
  options_.localIce = local;
  options_.remoteIce = remote;
  if (lite_) lite_->restart(local, remote);
  else client_->restart(local, remote);
  return true;
}

bool WebRtcTransport::iceRestartComplete() const noexcept {
  if (lite_) return !lite_->restartPending();
  return client_->state() == ice::IceState::kConnected;
}

void WebRtcTransport::onLocalAddressChanged() {
  if (client_) client_->localAddressChanged();
}

void WebRtcTransport::close(std::string_view reason) {
  if (state_ == TransportState::kClosed || state_ == TransportState::kFailed) return;
  setState(TransportState::kClosed, reason);  // first, so the agents' own reports are ignored
  if (dtls_.state() == dtls::DtlsState::kConnected) dtls_.close();
  if (lite_) lite_->close();
  else client_->close();
}

std::optional<crypto::SrtpProfile> WebRtcTransport::srtpProfile() const noexcept {
  if (!srtpOut_) return std::nullopt;
  return srtpOut_->profile();
}

void WebRtcTransport::onIceSend(std::span<const uint8_t> bytes, const SocketAddress& to) {
  PacketRef p = pool_.copyOf(bytes);
  if (!p) {
    drops_.count(DropReason::kPoolExhausted);
    return;
  }
  listener_.onTransportSend(*this, std::move(p), to);
}

void WebRtcTransport::onIceSelected(const SocketAddress& remote) {
  const bool first = selected_.empty();
  selected_ = remote;
  listener_.onTransportPathBound(*this, remote);
  if (first && options_.dtlsRole == dtls::DtlsRole::kClient) {
    if (auto st = dtls_.start(); !st.ok()) setState(TransportState::kFailed, st.error().message);
  } else if (first) {
    (void)dtls_.start();  // server: arms the handshake deadline
  }
}

void WebRtcTransport::onIceStateChanged(ice::IceState state, std::string_view reason) {
  if (state == ice::IceState::kFailed) setState(TransportState::kFailed, reason);
  if (state == ice::IceState::kClosed) setState(TransportState::kClosed, reason);
}

void WebRtcTransport::onDtlsSend(std::span<const uint8_t> datagram) {
  if (selected_.empty()) return;
  ++stats_.dtlsOut;
  onIceSend(datagram, selected_);
}

void WebRtcTransport::onDtlsConnected(const dtls::DtlsKeys& keys) {
  auto in = crypto::srtp::SrtpSession::create(keys.profile, keys.remoteKey(), keys.remoteSalt(), options_.maxSsrcs);
  auto out = crypto::srtp::SrtpSession::create(keys.profile, keys.localKey(), keys.localSalt(), options_.maxSsrcs);
  if (!in.ok() || !out.ok()) {
    setState(TransportState::kFailed, "SRTP session setup failed");
    return;
  }
  srtpIn_.emplace(std::move(*in));
  srtpOut_.emplace(std::move(*out));
  setState(TransportState::kConnected, "");
}

void WebRtcTransport::onDtlsFailed(std::string_view reason) { setState(TransportState::kFailed, reason); }

void WebRtcTransport::onDtlsClosed() { setState(TransportState::kClosed, "peer sent DTLS close_notify"); }

void WebRtcTransport::onDtlsApplicationData(std::span<const uint8_t> data) {
  // SCTP (RFC 8261) when data channels were negotiated; else nothing is expected here.
  if (data_) data_->onPacket(data, clock_.nowUs());
}

void WebRtcTransport::onDataChannelsSend(std::span<const uint8_t> packet) {
  (void)dtls_.sendApplicationData(packet);  // a failure is a closed DTLS: the transport ends anyway
}

void WebRtcTransport::onDataChannelsEnded(std::string_view reason) {
  // The media goes on: a peer may drop its data channels and keep its tracks.
  (void)reason;
}

void WebRtcTransport::setState(TransportState state, std::string_view reason) {
  if (state_ == state || state_ == TransportState::kFailed || state_ == TransportState::kClosed) return;
  state_ = state;
  reason_ = std::string(reason);
  listener_.onTransportStateChanged(*this, state, reason);
}

}  // namespace rtcgate::transport::webrtc
