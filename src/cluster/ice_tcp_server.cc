#include "cluster/ice_tcp_server.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "wire/stun/classify.h"
#include "wire/stun/stun_types.h"

namespace rtcgate::cluster {

namespace {

constexpr int64_t kSweepUs = 250'000;

// The type field of a STUN message (looksLikeStun checked first).
uint16_t stunType(std::span<const uint8_t> d) noexcept { return static_cast<uint16_t>((d[0] << 8) | d[1]); }

bool isBindingRequest(std::span<const uint8_t> d) noexcept {
  return wire::stun::looksLikeStun(d) &&
         stunType(d) == wire::stun::makeMessageType(static_cast<uint16_t>(wire::stun::StunMethod::kBinding),
                                                    wire::stun::StunClass::kRequest);
}

bool isBindingSuccess(std::span<const uint8_t> d) noexcept {
  return wire::stun::looksLikeStun(d) &&
         stunType(d) == wire::stun::makeMessageType(static_cast<uint16_t>(wire::stun::StunMethod::kBinding),
                                                    wire::stun::StunClass::kSuccess);
}

}  // namespace

IceTcpServer::IceTcpServer(net::EventLoop& loop, Clock& clock, PacketPool& pool, transport::webrtc::PeerDemux& demux,
                           IceTcpLimits limits)
    : loop_(loop), clock_(clock), pool_(pool), demux_(demux), limits_(limits), listener_(loop, *this), sweepTimer_(loop) {}

IceTcpServer::~IceTcpServer() { close(); }

Status IceTcpServer::listen(const SocketAddress& address) {
  RTCGATE_TRY(listener_.listen(address.withTransport(SocketAddress::Transport::kUdp)));
  local_ = listener_.localAddress().withTransport(SocketAddress::Transport::kTcp);
  sweepTimer_.startUs(kSweepUs, [this] { sweep(); });
  return {};
}

void IceTcpServer::close() {
  listener_.close();
  sweepTimer_.cancel();
  // Closing erases from the map: close a copy.
  std::vector<std::shared_ptr<IceTcpConnection>> all;
  all.reserve(connections_.size());
  for (auto& [address, c] : connections_) all.push_back(c);
  for (auto& c : all) c->close(IceTcpClose::kShutdown);
}

void IceTcpServer::onAccepted(boost::asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  const auto remote =
      SocketAddress::fromSockaddr(ep.data(), static_cast<socklen_t>(ep.size())).withTransport(SocketAddress::Transport::kTcp);
  if (connections_.size() >= limits_.maxConnections || pending_ >= limits_.maxPending || remote.empty()) {
    ++stats_.closed[static_cast<size_t>(IceTcpClose::kRefused)];
    if (logLimit_.allow(clock_.nowUs()))
      spdlog::warn("ice-tcp {}: refused {}: {} open, {} unauthenticated (limits {}, {})", local_.toString(),
                   remote.toString(), connections_.size(), pending_, limits_.maxConnections, limits_.maxPending);
    socket.close(ec);
    return;
  }
  auto c = std::make_shared<IceTcpConnection>(loop_, std::move(socket), remote, clock_,
                                             static_cast<IceTcpConnection::Owner&>(*this), limits_.maxBufferedBytes);
  connections_[remote] = c;
  ++pending_;
  ++stats_.accepted;
  c->start();
}

size_t IceTcpServer::connectionsOf(std::string_view ufrag) const noexcept {
  size_t n = 0;
  for (const auto& [address, c] : connections_)
    if (c->ufrag() == ufrag) ++n;
  return n;
}

bool IceTcpServer::admitFirst(IceTcpConnection& c, std::span<const uint8_t> datagram) {
  if (!isBindingRequest(datagram)) {
    c.close(IceTcpClose::kBadFirstPacket);
    return false;
  }
  if (!c.ufrag().empty()) return true;  // a retransmitted or further check on a vetted connection
  const std::string_view ufrag = wire::stun::recipientUfrag(datagram);
  if (ufrag.empty() || !demux_.hasUfrag(ufrag)) {
    c.close(IceTcpClose::kBadFirstPacket);
    return false;
  }
  if (connectionsOf(ufrag) >= limits_.maxPerSession) {
    c.close(IceTcpClose::kSessionLimit);
    return false;
  }
  c.setUfrag(ufrag);
  return true;
}

void IceTcpServer::onFrame(IceTcpConnection& c, std::span<const uint8_t> datagram) {
  ++stats_.framesIn;
  stats_.bytesIn += datagram.size();
  if (!c.authenticated() && !admitFirst(c, datagram)) return;
  if (datagram.empty()) return;  // RFC 4571 allows it; nothing to route
  PacketRef packet = pool_.copyOf(datagram);
  if (!packet) {
    drops_.count(DropReason::kPoolExhausted);
    return;
  }
  const int64_t now = clock_.nowUs();
  packet->receivedUs = now;
  if (demux_.route(std::move(packet), c.remote())) c.delivered(now);
}

void IceTcpServer::send(PacketRef datagram, const SocketAddress& to) noexcept {
  auto it = connections_.find(to);
  if (it == connections_.end()) {
    drops_.count(DropReason::kTcpClosed);
    return;
  }
  IceTcpConnection& c = *it->second;
  const auto bytes = datagram->span();
  // Our agent answers only a check that authenticated: from then on the connection is a path.
  if (!c.authenticated() && isBindingSuccess(bytes)) {
    c.markAuthenticated();
    --pending_;
  }
  if (!c.send(bytes)) {
    drops_.count(DropReason::kTcpBacklog);
    return;
  }
  ++stats_.framesOut;
  stats_.bytesOut += bytes.size();
}

void IceTcpServer::onClosed(IceTcpConnection& c, IceTcpClose reason) {
  ++stats_.closed[static_cast<size_t>(reason)];
  if (!c.authenticated()) --pending_;
  if (reason != IceTcpClose::kShutdown && logLimit_.allow(clock_.nowUs()))
    spdlog::info("ice-tcp {}: connection from {} closed: {}", local_.toString(), c.remote().toString(),
                 iceTcpCloseName(reason));
  // The path goes away: datagrams from a new connection at this address must authenticate again.
  demux_.unbindAddress(c.remote());
  connections_.erase(c.remote());
}

void IceTcpServer::sweep() {
  const int64_t now = clock_.nowUs();
  std::vector<std::pair<std::shared_ptr<IceTcpConnection>, IceTcpClose>> expired;
  for (const auto& [address, c] : connections_) {
    if (!c->authenticated() && now - c->acceptedUs() >= limits_.authTimeoutUs) {
      expired.emplace_back(c, IceTcpClose::kAuthTimeout);
    } else if (c->authenticated() && now - c->lastDeliveredUs() >= limits_.idleTimeoutUs) {
      expired.emplace_back(c, IceTcpClose::kIdle);
    } else if (const int64_t since = c->stalledSinceUs(); since != 0 && now - since >= limits_.writeStallUs) {
      expired.emplace_back(c, IceTcpClose::kWriteStalled);
    }
  }
  for (auto& [c, reason] : expired) c->close(reason);
  sweepTimer_.startUs(kSweepUs, [this] { sweep(); });
}

IceTcpStats IceTcpServer::stats() const noexcept {
  IceTcpStats s = stats_;
  s.open = connections_.size();
  s.pending = pending_;
  return s;
}

}  // namespace rtcgate::cluster
