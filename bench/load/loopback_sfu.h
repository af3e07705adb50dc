#pragma once
// LoopbackSfu: a minimal in-process forwarder for --loopback and --self-test. It answers
// offers with rtcgate's AnswerBuilder, runs ICE-lite/DTLS-server WebRtcTransports on one
// UDP port of its own thread, fans the publisher's RTP out unchanged to every connected
// subscriber and passes subscribers' RTCP feedback (NACK, PLI) back to the publisher.
// It measures the tool itself: the latency floor and loss of the client side with a
// forwarder that does nothing else.

#include <memory>
#include <vector>

#include "base/clock.h"
#include "crypto/dtls/certificate.h"
#include "net/event_loop.h"
#include "net/udp_socket.h"
#include "signaler.h"
#include "transport/webrtc/peer_demux.h"
#include "transport/webrtc/webrtc_transport.h"

namespace rtcgate::load {

class LoopbackSfu final : public Signaler, public net::UdpSocketListener {
 public:
  explicit LoopbackSfu(Clock& clock);
  ~LoopbackSfu() override;
  Status start(const std::string& ip);
  // Drops this fraction of the RTP forwarded to each subscriber (exercises NACK/retransmission).
  void setDropRate(double rate) { dropRate_ = rate; }
  void stop();

  std::optional<Signaled> post(bool publisher, const std::string& url, const std::string& offer,
                               std::string& error) override;
  std::string remove(const std::string&) override { return {}; }

 private:
  // One server-side peer.
  struct Peer final : transport::webrtc::WebRtcTransportListener {
    Peer(LoopbackSfu& s, bool pub) : sfu(s), publisher(pub) {}
    void onTransportSend(transport::MediaTransport&, PacketRef d, const SocketAddress& to) override;
    void onTransportPathBound(transport::MediaTransport& t, const SocketAddress& remote) override;
    void onTransportStateChanged(transport::MediaTransport&, transport::webrtc::TransportState,
                                 std::string_view) override {}
    void onTransportRtp(transport::MediaTransport&, PacketRef p) override;
    void onTransportRtcp(transport::MediaTransport&, PacketRef p) override;
    LoopbackSfu& sfu;
    bool publisher;
    std::unique_ptr<transport::webrtc::WebRtcTransport> transport;
  };

  void onDatagram(PacketRef packet, const SocketAddress& from) override;
  void tick();

  Clock& clock_;
  net::EventLoop loop_{"loopback-sfu"};
  PacketPool pool_{4096};
  std::shared_ptr<const crypto::dtls::Certificate> cert_;
  std::unique_ptr<crypto::dtls::DtlsContext> dtls_;
  std::unique_ptr<net::UdpSocket> socket_;
  net::Timer timer_{loop_};
  transport::webrtc::PeerDemux demux_;
  std::vector<std::unique_ptr<Peer>> peers_;  // loop thread only
  Peer* publisher_ = nullptr;                  // loop thread only
  std::string ip_;
  uint16_t port_ = 0;
  std::atomic<bool> running_{false};
  int sessions_ = 0;  // signaling thread only
  double dropRate_ = 0;  // set before start()
  uint64_t dropped_ = 0;
};

}  // namespace rtcgate::load
