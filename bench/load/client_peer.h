#pragma once
// ClientPeer: one synthetic WebRTC endpoint of the load tool — its own UDP socket and a
// client-mode WebRtcTransport (controlling ICE, DTLS client) on a worker's loop. The
// publisher and subscribers derive from it and add what they do with media.

#include <atomic>
#include <memory>

#include "base/clock.h"
#include "base/packet_buffer.h"
#include "crypto/dtls/dtls_context.h"
#include "net/event_loop.h"
#include "net/udp_socket.h"
#include "transport/webrtc/webrtc_transport.h"

namespace rtcgate::load {

using transport::webrtc::TransportState;
using transport::webrtc::WebRtcTransport;
using transport::webrtc::WebRtcTransportOptions;

// Shared machinery of one worker thread that peers borrow.
struct PeerEnv {
  net::EventLoop& loop;
  PacketPool& pool;
  Clock& clock;
  crypto::dtls::DtlsContext& dtls;
};

class ClientPeer : public net::UdpSocketListener, public transport::webrtc::WebRtcTransportListener {
 public:
  explicit ClientPeer(PeerEnv env) : env_(env) {}
  ~ClientPeer() override;

  // On the loop thread: binds a socket on `localIp` and starts ICE towards the server.
  Status start(const std::string& localIp, WebRtcTransportOptions options);
  // Timers of the transport plus the role's own work; called every worker tick.
  void tick(int64_t nowUs);
  // Sends DTLS close_notify.
  void close();

  // Read from any thread (the signaling thread waits on it).
  TransportState state() const noexcept { return state_.load(std::memory_order_acquire); }
  int64_t connectedAtUs() const noexcept { return connectedAtUs_.load(std::memory_order_relaxed); }
  const std::string& failureReason() const noexcept { return reason_; }  // loop thread / after stop
  WebRtcTransport* transport() noexcept { return transport_.get(); }

 protected:
  virtual void onRtp(PacketRef packet, int64_t nowUs) = 0;
  virtual void onRtcp(PacketRef packet, int64_t nowUs) = 0;
  virtual void onTick(int64_t nowUs) = 0;
  bool connected() const noexcept { return state() == TransportState::kConnected; }
  PeerEnv env_;

 private:
  Status open(const std::string& localIp, WebRtcTransportOptions options);
  // net::UdpSocketListener
  void onDatagram(PacketRef packet, const SocketAddress& from) override;
  // WebRtcTransportListener
  void onTransportSend(transport::MediaTransport& t, PacketRef datagram, const SocketAddress& to) override;
  void onTransportPathBound(transport::MediaTransport&, const SocketAddress&) override {}
  void onTransportStateChanged(transport::MediaTransport& t, TransportState state, std::string_view reason) override;
  void onTransportRtp(transport::MediaTransport& t, PacketRef packet) override;
  void onTransportRtcp(transport::MediaTransport& t, PacketRef packet) override;

  std::unique_ptr<net::UdpSocket> socket_;
  std::unique_ptr<WebRtcTransport> transport_;
  std::atomic<TransportState> state_{TransportState::kNew};
  std::atomic<int64_t> connectedAtUs_{0};
  std::string reason_;
  uint64_t datagramsIn_ = 0;
};

}  // namespace rtcgate::load
