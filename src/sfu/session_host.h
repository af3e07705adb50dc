#pragma once
// SessionHost: what a session needs from the worker that owns it (socket, demux, clock,
// pool, end-of-life notice). Implemented by the app's Worker.

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/packet_buffer.h"
#include "base/socket_address.h"
#include "crypto/dtls/dtls_context.h"
#include "sfu/stream_context.h"
#include "transport/webrtc/peer_demux.h"

namespace rtcgate::sfu {

class Session;

class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual Clock& clock() = 0;
  virtual PacketPool& pool() = 0;
  virtual crypto::dtls::DtlsContext& dtlsContext() = 0;
  virtual transport::webrtc::PeerDemux& demux() = 0;
  virtual void sendDatagram(PacketRef datagram, const SocketAddress& to) = 0;
  // The session failed or closed; the host removes it after the current call returns.
  virtual void onSessionEnded(Session& session, std::string_view reason) = 0;
  // Codec pool and executor for the streams' renditions (none: pass-through only).
  virtual StreamContext streamContext() { return {}; }
  // A frame source (RTMP publisher) was ended from the worker (replaced, closed by an
  // operator): its connection should close.
  virtual void onFrameSourceEnded(const std::string& id, std::string_view reason) {
    (void)id;
    (void)reason;
  }
};

}  // namespace rtcgate::sfu
