#pragma once
// MediaTransport: one peer's media transport as the SFU sees it — RTP and RTCP in and out,
// timers, a life cycle — whatever carries it: WebRTC (ICE + DTLS + SRTP) today, plain RTP
// for SIP and an encrypted relay between workers or nodes later. Sans-IO like every
// transport: datagrams and time come in through calls, everything goes out through the
// MediaTransportListener.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/drop_counters.h"
#include "base/packet_buffer.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "transport/ice/ice_types.h"
#include "transport/transport_state.h"
#include "transport/webrtc/peer_demux.h"

namespace rtcgate::transport {

class MediaTransport;
namespace sctp {
class DataChannels;
struct DataChannelInfo;
}  // namespace sctp

// Everything a transport reports upward; calls happen on the worker thread, synchronously.
class MediaTransportListener {
 public:
  virtual ~MediaTransportListener() = default;
  // A datagram for the socket.
  virtual void onTransportSend(MediaTransport& t, PacketRef datagram, const SocketAddress& to) = 0;
  // The transport validated `remote` for this peer: route its datagrams here from now on.
  virtual void onTransportPathBound(MediaTransport& t, const SocketAddress& remote) = 0;
  virtual void onTransportStateChanged(MediaTransport& t, TransportState state, std::string_view reason) = 0;
  // RTP / RTCP in the clear, in place in the received buffer.
  virtual void onTransportRtp(MediaTransport& t, PacketRef packet) = 0;
  virtual void onTransportRtcp(MediaTransport& t, PacketRef packet) = 0;
  // Data channels (when negotiated): the association is up, a channel opened (by the peer
  // or by us), a message arrived, a channel closed (by either side, or for overflowing).
  virtual void onTransportDataReady(MediaTransport& t) { (void)t; }
  virtual void onTransportDataChannelOpen(MediaTransport& t, const sctp::DataChannelInfo& channel) {
    (void)t, (void)channel;
  }
  virtual void onTransportDataMessage(MediaTransport& t, const sctp::DataChannelInfo& channel, bool binary,
                                      std::vector<uint8_t>&& data) {
    (void)t, (void)channel, (void)binary, (void)data;
  }
  virtual void onTransportDataChannelClosed(MediaTransport& t, const sctp::DataChannelInfo& channel,
                                            std::string_view reason) {
    (void)t, (void)channel, (void)reason;
  }
};

// Counters for metrics and tests.
struct MediaTransportStats {
  uint64_t rtpIn = 0, rtcpIn = 0, rtpOut = 0, rtcpOut = 0, bytesIn = 0, bytesOut = 0;
  uint64_t dtlsIn = 0, dtlsOut = 0;  // WebRTC handshake datagrams, for diagnosing stuck sessions
};

class MediaTransport : public webrtc::DatagramSink {
 public:
  ~MediaTransport() override = default;

  virtual Status start() = 0;
  virtual std::optional<int64_t> nextTimeoutUs() const noexcept = 0;
  virtual void onTimer() = 0;
  // Sends `packet` (the caller owns it alone; it may be changed in place, e.g. encrypted).
  // Fails (and counts) when not connected.
  virtual Status sendRtp(PacketRef packet) noexcept = 0;
  virtual Status sendRtcp(PacketRef packet) noexcept = 0;
  // Ends the transport (telling the peer where the protocol can) with `reason`.
  virtual void close(std::string_view reason) = 0;
  // New ICE credentials on both sides; false for transports without ICE.
  virtual bool restartIce(const ice::IceCredentials& local, const ice::IceCredentials& remote) {
    (void)local;
    (void)remote;
    return false;
  }
  // The local ICE ufrag whose checks the transport answers as its current generation
  // (empty for transports without ICE).
  virtual std::string_view answeringUfrag() const noexcept { return {}; }
  // An SSRC we sent ends for good (a room subscriber's track went away): forget its state.
  virtual void forgetSendSsrc(uint32_t ssrc) noexcept { (void)ssrc; }
  // The remote side stopped sending `ssrc` for good: forget its state.
  virtual void forgetReceiveSsrc(uint32_t ssrc) noexcept { (void)ssrc; }
  // The data channels of this transport (null when none were negotiated).
  virtual sctp::DataChannels* dataChannels() noexcept { return nullptr; }

  virtual TransportState state() const noexcept = 0;
  virtual const std::string& reason() const noexcept = 0;
  virtual const MediaTransportStats& stats() const noexcept = 0;
  virtual const DropCounters& drops() const noexcept = 0;
};

}  // namespace rtcgate::transport
