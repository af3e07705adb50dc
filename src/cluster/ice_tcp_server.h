#pragma once
// IceTcpServer: a media worker's ICE-TCP listener (RFC 6544 passive candidates). It listens on
// TCP at the port number of the worker's UDP socket, and every connection is one more path
// into the same PeerDemux: its RFC 4571 frames are routed like datagrams from the connection's
// address (tagged TCP), and datagrams the worker sends to such an address are framed onto it.
// A connection must open with a STUN binding request naming a session's ufrag and be
// answered with success in time; connections, per session and per worker, and the bytes
// waiting to be sent on each, are bounded.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "base/clock.h"
#include "base/drop_counters.h"
#include "base/log.h"
#include "base/packet_buffer.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "cluster/ice_tcp_connection.h"
#include "net/event_loop.h"
#include "net/tcp_listener.h"
#include "transport/webrtc/peer_demux.h"

namespace rtcgate::cluster {

// Every bound of the ICE-TCP listener of one worker.
struct IceTcpLimits {
  size_t maxConnections = 1000;   // open connections, authenticated or not
  size_t maxPending = 100;        // connections not yet authenticated
  size_t maxPerSession = 8;       // connections naming one session's ufrag
  int64_t authTimeoutUs = 5'000'000;  // from accept to a check answered with success
  int64_t idleTimeoutUs = 30'000'000;  // without a datagram the demux took (RFC 7675 consent)
  size_t maxBufferedBytes = 512 * 1024;  // framed bytes waiting to be written, per connection
  int64_t writeStallUs = 5'000'000;      // waiting bytes and none written for this long: close
};

// Counters for /metrics.
struct IceTcpStats {
  uint64_t accepted = 0, framesIn = 0, framesOut = 0, bytesIn = 0, bytesOut = 0;
  std::array<uint64_t, static_cast<size_t>(IceTcpClose::kCount)> closed{};
  size_t open = 0, pending = 0;
};

class IceTcpServer final : public net::TcpAcceptHandler, IceTcpConnection::Owner {
 public:
  IceTcpServer(net::EventLoop& loop, Clock& clock, PacketPool& pool, transport::webrtc::PeerDemux& demux,
               IceTcpLimits limits = {});
  ~IceTcpServer() override;
  IceTcpServer(const IceTcpServer&) = delete;
  IceTcpServer& operator=(const IceTcpServer&) = delete;

  // Listens (on the loop thread, or before it runs); the address's transport tag is ignored.
  Status listen(const SocketAddress& address);
  // Closes the listener and every connection (on the loop thread).
  void close();
  // The listening address, tagged TCP.
  const SocketAddress& localAddress() const noexcept { return local_; }

  // Frames `datagram` onto the connection `to` names (a TCP-tagged address); counts a drop
  // when there is none or its send buffer is full.
  void send(PacketRef datagram, const SocketAddress& to) noexcept;

  IceTcpStats stats() const noexcept;
  const DropCounters& drops() const noexcept { return drops_; }

  // net::TcpAcceptHandler
  void onAccepted(boost::asio::ip::tcp::socket socket) override;

 private:
  // IceTcpConnection::Owner
  void onFrame(IceTcpConnection& c, std::span<const uint8_t> datagram) override;
  void onClosed(IceTcpConnection& c, IceTcpClose reason) override;

  // Before authentication only a STUN binding request for a known ufrag may come in.
  bool admitFirst(IceTcpConnection& c, std::span<const uint8_t> datagram);
  size_t connectionsOf(std::string_view ufrag) const noexcept;
  void sweep();

  net::EventLoop& loop_;
  Clock& clock_;
  PacketPool& pool_;
  transport::webrtc::PeerDemux& demux_;
  IceTcpLimits limits_;
  net::TcpListener listener_;
  net::Timer sweepTimer_;
  SocketAddress local_;
  std::unordered_map<SocketAddress, std::shared_ptr<IceTcpConnection>, SocketAddressHash> connections_;
  size_t pending_ = 0;
  IceTcpStats stats_;
  DropCounters drops_;
  RateLimit logLimit_{10'000'000, 10};  // connection closes logged: 10 per 10 s
};

}  // namespace rtcgate::cluster
