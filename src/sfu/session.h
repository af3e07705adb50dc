#pragma once
// Session: one WebRTC peer of the SFU (a publisher or a subscriber) with its transport.
// The base class owns the transport and routes its events; subclasses handle media.

#include <memory>
#include <string>

#include "sfu/session_host.h"
#include "sfu/session_info.h"
#include "transport/ice/ice_types.h"
#include "transport/webrtc/webrtc_transport.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::sfu {

class Stream;

// What the control thread decided for a new session: negotiated SDP and our ICE identity.
struct SessionSpec {
  std::string id;
  std::string stream;
  wire::sdp::NegotiatedSession negotiated;
  transport::ice::IceCredentials localIce;
  std::string layer;  // subscribers: "h", "m" or "l"
  int64_t createdMs = 0;
};

class Session : public transport::webrtc::WebRtcTransportListener {
 public:
  Session(SessionHost& host, SessionSpec spec, SessionKind kind, SfuCounters& counters);
  ~Session() override;

  Status start();
  // Ends the session (DTLS close_notify if connected); the host is told.
  void close(std::string_view reason);
  // Timers of the transport and of the media machinery.
  virtual void onTick(int64_t nowUs);

  const std::string& id() const noexcept { return spec_.id; }
  const std::string& streamName() const noexcept { return spec_.stream; }
  SessionKind kind() const noexcept { return kind_; }
  transport::webrtc::WebRtcTransport& transport() noexcept { return *transport_; }
  bool ended() const noexcept { return ended_; }
  virtual SessionInfo info(unsigned worker) const;
  void attach(Stream* stream) noexcept { stream_ = stream; }

  // transport::webrtc::WebRtcTransportListener
  void onTransportSend(transport::webrtc::WebRtcTransport& t, PacketRef datagram, const SocketAddress& to) override;
  void onTransportPathBound(transport::webrtc::WebRtcTransport& t, const SocketAddress& remote) override;
  void onTransportStateChanged(transport::webrtc::WebRtcTransport& t, transport::webrtc::TransportState state,
                               std::string_view reason) override;

 protected:
  virtual void onConnected() {}
  // Sends an RTCP packet built by `build` into a pooled buffer (returns bytes written).
  template <typename Build>
  void sendRtcp(Build&& build) {
    PacketRef p = host_.pool().acquire();
    if (!p) return;
    const size_t n = build(std::span<uint8_t>(p->data(), p->tailCapacity() - 64));
    if (n == 0) return;
    p->size = static_cast<uint32_t>(n);
    (void)transport_->sendRtcp(std::move(p));
  }

  SessionHost& host_;
  SessionSpec spec_;
  SessionKind kind_;
  SfuCounters& counters_;
  Stream* stream_ = nullptr;
  std::unique_ptr<transport::webrtc::WebRtcTransport> transport_;
  bool ended_ = false;
};

}  // namespace rtcgate::sfu
