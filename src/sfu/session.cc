#include "sfu/session.h"

namespace rtcgate::sfu {

namespace webrtc = transport::webrtc;

namespace {

webrtc::WebRtcTransportOptions transportOptions(const SessionSpec& spec) {
  webrtc::WebRtcTransportOptions o;
  o.iceMode = webrtc::WebRtcTransportOptions::IceMode::kLite;
  o.localIce = spec.localIce;
  o.remoteIce = {spec.negotiated.remoteIce.ufrag, spec.negotiated.remoteIce.pwd};
  o.dtlsRole = spec.negotiated.localDtlsRole == wire::sdp::DtlsRole::kClient ? crypto::dtls::DtlsRole::kClient
                                                                              : crypto::dtls::DtlsRole::kServer;
  o.remoteFingerprintAlgorithm = spec.negotiated.remoteFingerprint.hashFunc;
  o.remoteFingerprint = spec.negotiated.remoteFingerprint.value;
  return o;
}

}  // namespace

Session::Session(SessionHost& host, SessionSpec spec, SessionKind kind, SfuCounters& counters)
    : host_(host), spec_(std::move(spec)), kind_(kind), counters_(counters) {
  transport_ = std::make_unique<webrtc::WebRtcTransport>(host_.clock(), host_.pool(), host_.dtlsContext(),
                                                         transportOptions(spec_), *this);
}

Session::~Session() { host_.demux().removeSink(*transport_); }

Status Session::start() {
  host_.demux().addUfrag(spec_.localIce.ufrag, *transport_);
  return transport_->start();
}

void Session::close(std::string_view reason) { transport_->close(reason); }

void Session::onTick(int64_t nowUs) {
  if (auto t = transport_->nextTimeoutUs(); t && *t <= nowUs) transport_->onTimer();
}

SessionInfo Session::info(unsigned worker) const {
  SessionInfo i;
  i.id = spec_.id;
  i.kind = kind_;
  i.stream = spec_.stream;
  i.state = std::string(webrtc::transportStateName(transport_->state()));
  i.reason = transport_->reason();
  i.worker = worker;
  i.createdMs = spec_.createdMs;
  i.layer = spec_.layer;
  const auto& s = transport_->stats();
  i.packetsIn = s.rtpIn + s.rtcpIn;
  i.packetsOut = s.rtpOut + s.rtcpOut;
  i.bytesIn = s.bytesIn;
  i.bytesOut = s.bytesOut;
  return i;
}

void Session::onTransportSend(webrtc::WebRtcTransport&, PacketRef datagram, const SocketAddress& to) {
  host_.sendDatagram(std::move(datagram), to);
}

void Session::onTransportPathBound(webrtc::WebRtcTransport& t, const SocketAddress& remote) {
  host_.demux().bindAddress(remote, t);
}

void Session::onTransportStateChanged(webrtc::WebRtcTransport&, webrtc::TransportState state,
                                      std::string_view reason) {
  if (state == webrtc::TransportState::kConnected) onConnected();
  if ((state == webrtc::TransportState::kFailed || state == webrtc::TransportState::kClosed) && !ended_) {
    ended_ = true;
    host_.onSessionEnded(*this, reason);
  }
}

}  // namespace rtcgate::sfu
