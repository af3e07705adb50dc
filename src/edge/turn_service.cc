#include "edge/turn_service.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>

#include "edge/turn_tcp_connection.h"

namespace rtcgate::edge {

namespace turn = transport::turn;

// One allocation's relayed UDP socket: datagrams from peers go to the server with its id.
struct TurnService::RelaySocket final : net::UdpSocketListener {
  RelaySocket(TurnService& s, turn::RelayId i) : service(s), id(i), socket(s.loop_, s.pool_, *this) {}
  void onDatagram(PacketRef packet, const SocketAddress& from) override {
    service.server_.onPeerDatagram(id, from, packet->span(), nowUs());
  }
  TurnService& service;
  turn::RelayId id;
  net::UdpSocket socket;
};

TurnService::TurnService(TurnServiceOptions options)
    : options_(std::move(options)),
      pool_(256, 64 * 1024),
      server_(options_.server, *this),
      udp_(loop_, pool_, *this),
      tcp_(loop_, *this) {}

TurnService::~TurnService() {
  stop();
}

int64_t TurnService::nowUs() noexcept {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status TurnService::start(std::vector<turn::PeerRoute> routes) {
  server_.setPeerRoutes(std::move(routes));
  retired_.reserve(options_.server.maxAllocations);
  RTCGATE_TRY(udp_.open(options_.listen));
  // TCP takes the UDP port's number (clients are told one port for both).
  SocketAddress tcpAddress = options_.listen;
  tcpAddress.setPort(udp_.localAddress().port());
  if (auto st = tcp_.listen(tcpAddress); !st.ok()) {
    udp_.close();
    return st;
  }
  if (options_.tls && !options_.tlsListen.empty()) {
    tlsListener_ = std::make_unique<net::TcpListener>(loop_, tlsAcceptor_);
    if (auto st = tlsListener_->listen(options_.tlsListen); !st.ok()) {
      tcp_.close();
      udp_.close();
      return st;
    }
  }
  tick();
  loop_.start();
  started_ = true;
  return {};
}

void TurnService::stop() {
  if (!started_) return;
  started_ = false;
  loop_.post([this] {
    tcp_.close();
    if (tlsListener_) tlsListener_->close();
    for (auto& [id, connection] : std::unordered_map(connections_)) connection->close("shutdown");
    server_.closeAll();
    udp_.close();
    tick_.cancel();
  });
  loop_.stop();
}

void TurnService::tick() {
  retired_.clear();  // closed at least one loop turn ago
  const int64_t now = nowUs();
  server_.onTimer(now);
  // A TCP connection that never made an allocation (or lost it) is not kept open.
  const int64_t nowMs = clock_.nowMs();
  std::vector<std::shared_ptr<TurnTcpConnection>> idle;
  std::vector<std::shared_ptr<TurnTcpConnection>> slow;
  for (const auto& [id, c] : connections_) {
    if (!c->handshaken() && nowMs - c->openedMs() > options_.tlsHandshakeMs) slow.push_back(c);
    else if (nowMs - c->openedMs() > options_.tcpIdleMs && server_.allocationOf(c->client()) == nullptr)
      idle.push_back(c);
  }
  for (auto& c : slow) c->close("TLS handshake not done in time");
  for (auto& c : idle) c->close("no allocation");
  tick_.startUs(1'000'000, [this] { tick(); });
}

void TurnService::onDatagram(PacketRef packet, const SocketAddress& from) {
  const turn::TurnClient client{turn::ClientTransport::kUdp, 0, from};
  server_.onClientMessage(client, packet->span(), nowUs());
}

void TurnService::onClientFrame(const turn::TurnClient& client, std::span<const uint8_t> frame) noexcept {
  server_.onClientMessage(client, frame, nowUs());
}

const SocketAddress& TurnService::tlsAddress() const noexcept {
  static const SocketAddress kNone;
  return tlsListener_ ? tlsListener_->localAddress() : kNone;
}

void TurnService::adoptTls(boost::asio::ip::tcp::socket socket, std::vector<uint8_t> firstBytes) {
  boost::system::error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  if (ec || !options_.tls || !started_) return;  // the socket closes as it goes
  const int fd = socket.release(ec);  // leaves the other loop's reactor cleanly
  if (ec) return;
  adoptedTls_.fetch_add(1, std::memory_order_relaxed);
  loop_.post([this, protocol, fd, bytes = std::move(firstBytes)]() mutable {
    boost::asio::ip::tcp::socket adopted(loop_.context());
    boost::system::error_code aec;
    adopted.assign(protocol, fd, aec);
    if (aec) {
      ::close(fd);
      return;
    }
    acceptStream(std::move(adopted), true, std::move(bytes));
  });
}

void TurnService::onAccepted(boost::asio::ip::tcp::socket socket) { acceptStream(std::move(socket), false, {}); }

void TurnService::acceptStream(boost::asio::ip::tcp::socket socket, bool tls, std::vector<uint8_t> firstBytes) {
  if (connections_.size() >= options_.maxTcpConnections) {
    if (refusedLog_.allow(clock_.nowUs()))
      spdlog::warn("turn: TCP connection refused: {} connections open (the limit)", connections_.size());
    boost::system::error_code ec;
    socket.close(ec);
    return;
  }
  const uint64_t id = nextConnection_++;
  auto connection = std::make_shared<TurnTcpConnection>(
      *this, std::move(socket), id, clock_, tls ? &options_.tls->context() : nullptr, std::move(firstBytes));
  connections_.emplace(id, connection);
  connection->start();
}

void TurnService::onConnectionClosed(TurnTcpConnection& connection, const char* reason) {
  spdlog::debug("turn: TCP client {} closed: {}", connection.client().remote.toString(), reason);
  server_.onClientClosed(connection.client());
  connections_.erase(connection.client().connection);
}

void TurnService::sendToClient(const turn::TurnClient& client, std::span<const uint8_t> bytes) noexcept {
  if (client.transport == turn::ClientTransport::kUdp) return udp_.sendCopy(bytes, client.remote);
  const auto it = connections_.find(client.connection);
  if (it == connections_.end()) return;
  try {
    it->second->send(bytes);
  } catch (const std::exception&) {
    it->second->close("out of memory");
  }
}

void TurnService::sendToPeer(turn::RelayId relay, const SocketAddress& to,
                             std::span<const uint8_t> bytes) noexcept {
  if (relay < relays_.size() && relays_[relay]) relays_[relay]->socket.sendCopy(bytes, to);
}

Result<SocketAddress> TurnService::openRelay(turn::RelayId relay, bool ipv6) {
  if (ipv6 != options_.relayIp.isIpv6()) return Error::unsupported("turn: no relayed address of that family");
  if (relays_.size() <= relay) relays_.resize(relay + 1);
  auto socket = std::make_unique<RelaySocket>(*this, relay);
  RTCGATE_TRY(socket->socket.open(options_.relayIp));
  SocketAddress address =
      options_.relayAdvertisedIp.empty() ? socket->socket.localAddress() : options_.relayAdvertisedIp;
  address.setPort(socket->socket.localAddress().port());
  relays_[relay] = std::move(socket);
  return address;
}

void TurnService::closeRelay(turn::RelayId relay) noexcept {
  if (relay >= relays_.size() || !relays_[relay]) return;
  relays_[relay]->socket.close();
  retired_.push_back(std::move(relays_[relay]));  // capacity reserved: never more than the allocations
}

}  // namespace rtcgate::edge
