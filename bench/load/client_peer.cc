#include "client_peer.h"

namespace rtcgate::load {

ClientPeer::~ClientPeer() = default;

Status ClientPeer::start(const std::string& localIp, WebRtcTransportOptions options) {
  Status st = open(localIp, std::move(options));
  if (!st.ok()) {
    reason_ = st.error().message;
    state_.store(TransportState::kFailed, std::memory_order_release);
  }
  return st;
}

Status ClientPeer::open(const std::string& localIp, WebRtcTransportOptions options) {
  socket_ = std::make_unique<net::UdpSocket>(env_.loop, env_.pool, *this);
  auto local = SocketAddress::parse(localIp, 0);
  if (!local) return Error::malformed("bad local IP");
  RTCGATE_TRY(socket_->open(*local));
  options.iceMode = WebRtcTransportOptions::IceMode::kClient;
  transport_ = std::make_unique<WebRtcTransport>(env_.clock, env_.pool, env_.dtls, std::move(options), *this);
  state_.store(TransportState::kConnecting, std::memory_order_release);
  return transport_->start();
}

void ClientPeer::tick(int64_t nowUs) {
  if (!transport_) return;
  const auto due = transport_->nextTimeoutUs();
  if (due && *due <= nowUs) transport_->onTimer();
  onTick(nowUs);
}

void ClientPeer::close() {
  if (transport_ && state() == TransportState::kConnected) transport_->close("load test over");
  if (socket_) socket_->flush();
}

void ClientPeer::onDatagram(PacketRef packet, const SocketAddress& from) {
  ++datagramsIn_;
  if (transport_) transport_->onDatagram(std::move(packet), from);
}

void ClientPeer::onTransportSend(transport::MediaTransport&, PacketRef datagram, const SocketAddress& to) {
  if (socket_) socket_->send(std::move(datagram), to);
}

void ClientPeer::onTransportStateChanged(transport::MediaTransport& t, TransportState state, std::string_view reason) {
  reason_ = std::string(reason);
  if (state == TransportState::kFailed) {
    // Enough to tell "server never answered" from "ICE done, DTLS stuck" from "dropped".
    reason_ += " (" + std::to_string(datagramsIn_) + " datagrams in, ICE path " +
               (transport_->selectedPath().port() != 0 ? transport_->selectedPath().toString() : std::string("none")) + ", " +
               std::to_string(t.drops().total()) + " dropped)";
  }
  if (state == TransportState::kConnected) connectedAtUs_.store(env_.clock.nowUs(), std::memory_order_relaxed);
  state_.store(state, std::memory_order_release);
}

void ClientPeer::onTransportRtp(transport::MediaTransport&, PacketRef packet) { onRtp(std::move(packet), env_.clock.nowUs()); }

void ClientPeer::onTransportRtcp(transport::MediaTransport&, PacketRef packet) { onRtcp(std::move(packet), env_.clock.nowUs()); }

}  // namespace rtcgate::load
