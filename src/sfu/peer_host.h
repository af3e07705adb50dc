#pragma once
// PeerHost: what a peer needs from the worker that owns it — clock, packet pool, the
// worker's socket and demux, its transports, and an end-of-life notice. Implemented by the
// worker (cluster::Worker), and by test hosts with fake transports and clocks.

#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/packet_buffer.h"
#include "base/socket_address.h"
#include "crypto/dtls/dtls_context.h"
#include "sfu/session_spec.h"
#include "sfu/stream_context.h"
#include "transport/media_transport.h"
#include "transport/webrtc/peer_demux.h"

namespace rtcgate::sfu {

class Peer;

class PeerHost {
 public:
  virtual ~PeerHost() = default;
  virtual Clock& clock() = 0;
  virtual PacketPool& pool() = 0;
  virtual crypto::dtls::DtlsContext& dtlsContext() = 0;
  virtual transport::webrtc::PeerDemux& demux() = 0;
  virtual void sendDatagram(PacketRef datagram, const SocketAddress& to) = 0;
  // The peer failed or closed; the host removes it after the current call returns.
  virtual void onPeerEnded(Peer& peer, std::string_view reason) = 0;
  // The peer's transport connected (ICE and DTLS done) for the first time.
  virtual void onPeerConnected(Peer& peer) { (void)peer; }
  // The transport of a new peer, admitted to the worker's demux: by default a WebRTC one
  // (ICE-lite on the worker's port, DTLS, SRTP), found by its local ICE ufrag.
  virtual std::unique_ptr<transport::MediaTransport> makeTransport(const SessionSpec& spec,
                                                                   transport::MediaTransportListener& listener);
  // The peer is gone: its transport leaves the demux.
  virtual void releaseTransport(transport::MediaTransport& t) { demux().removeSink(t); }
  // Codec pool and executor for the streams' renditions (none: pass-through only).
  virtual StreamContext streamContext() { return {}; }
  // A relay to another node, or a link to one, ended on this worker (the control thread
  // forgets it); a relay that brought a stream here ends as a peer (onPeerEnded).
  virtual void onRelayEnded(const std::string& id, std::string_view reason) {
    (void)id;
    (void)reason;
  }
  virtual void onRelayLinkEnded(const std::string& id, std::string_view reason) {
    (void)id;
    (void)reason;
  }
  // A frame source (RTMP publisher) was ended from the worker (replaced, closed by an
  // operator): its connection should close.
  virtual void onFrameSourceEnded(const std::string& id, std::string_view reason) {
    (void)id;
    (void)reason;
  }
};

}  // namespace rtcgate::sfu
