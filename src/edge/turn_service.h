#pragma once
// TurnService: rtcgate's built-in TURN server on its own thread and loop — the UDP and TCP
// listeners (one port number), a TLS listener when a certificate is given, TLS connections
// handed over by the HTTPS listener (one port for both), one relayed UDP socket per
// allocation, and the sans-IO transport::turn::TurnServer between them. Media workers are never touched: a relayed
// socket sends to a worker's public UDP port like any browser would.

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/packet_buffer.h"
#include "net/event_loop.h"
#include "net/tcp_listener.h"
#include "net/tls_context.h"
#include "net/udp_socket.h"
#include "transport/turn/turn_server.h"

namespace rtcgate::edge {

class TurnTcpConnection;

// Settings of the service (the server's own are in `server`).
struct TurnServiceOptions {
  transport::turn::TurnOptions server;
  // UDP and TCP listen address; port 0 = a free port, the same number for both.
  SocketAddress listen;
  // Relayed sockets bind to this IP (any free port).
  SocketAddress relayIp;
  // The IP put in XOR-RELAYED-ADDRESS; empty = the bound one.
  SocketAddress relayAdvertisedIp;
  size_t maxTcpConnections = 1000;
  // A TCP connection that holds no allocation this long after it opened is closed.
  int64_t tcpIdleMs = 30'000;
  // TURN over TLS: the server's certificate (null: no TLS) and the TLS listener's address
  // (empty: only connections handed over by adoptTls).
  std::shared_ptr<net::TlsContext> tls;
  SocketAddress tlsListen;
  // A TLS handshake not done this long after the connection opened closes it.
  int64_t tlsHandshakeMs = 10'000;
};

class TurnService final : private transport::turn::TurnServerListener,
                          private net::UdpSocketListener,
                          private net::TcpAcceptHandler {
 public:
  explicit TurnService(TurnServiceOptions options);
  ~TurnService() override;
  TurnService(const TurnService&) = delete;
  TurnService& operator=(const TurnService&) = delete;

  // Binds the listeners and starts the TURN thread; `routes` are the media addresses
  // allocations may relay to.
  Status start(std::vector<transport::turn::PeerRoute> routes);
  void stop();

  const SocketAddress& udpAddress() const noexcept { return udp_.localAddress(); }
  const SocketAddress& tcpAddress() const noexcept { return tcp_.localAddress(); }
  // The TLS listener's address; empty when there is none.
  const SocketAddress& tlsAddress() const noexcept;
  // From any thread: a TLS connection another listener accepted (`firstBytes`: what it read,
  // the start of the ClientHello); the TURN thread takes it over. Closed when TLS is off.
  void adoptTls(boost::asio::ip::tcp::socket socket, std::vector<uint8_t> firstBytes);
  // TLS connections taken over from another listener so far; any thread.
  uint64_t adoptedTls() const noexcept { return adoptedTls_.load(std::memory_order_relaxed); }
  // Counters; safe to read from any thread.
  const transport::turn::TurnStats& stats() const noexcept { return server_.stats(); }

  // From connections (TURN thread).
  void onClientFrame(const transport::turn::TurnClient& client, std::span<const uint8_t> frame) noexcept;
  void onConnectionClosed(TurnTcpConnection& connection, const char* reason);

 private:
  struct RelaySocket;

  // transport::turn::TurnServerListener
  void sendToClient(const transport::turn::TurnClient& client,
                    std::span<const uint8_t> bytes) noexcept override;
  void sendToPeer(transport::turn::RelayId relay, const SocketAddress& to,
                  std::span<const uint8_t> bytes) noexcept override;
  Result<SocketAddress> openRelay(transport::turn::RelayId relay, bool ipv6) override;
  void closeRelay(transport::turn::RelayId relay) noexcept override;
  // net::UdpSocketListener (the client-facing UDP socket)
  void onDatagram(PacketRef packet, const SocketAddress& from) override;
  // net::TcpAcceptHandler
  void onAccepted(boost::asio::ip::tcp::socket socket) override;
  // A new client stream (TCP, or TLS starting with `firstBytes`), within the connection cap.
  void acceptStream(boost::asio::ip::tcp::socket socket, bool tls, std::vector<uint8_t> firstBytes);
  struct TlsAcceptor final : net::TcpAcceptHandler {
    explicit TlsAcceptor(TurnService& s) : service(s) {}
    void onAccepted(boost::asio::ip::tcp::socket socket) override { service.acceptStream(std::move(socket), true, {}); }
    TurnService& service;
  };

  void tick();
  static int64_t nowUs() noexcept;

  TurnServiceOptions options_;
  net::EventLoop loop_{"rtc-turn"};
  SteadyClock clock_;
  PacketPool pool_;
  transport::turn::TurnServer server_;
  net::UdpSocket udp_;
  net::TcpListener tcp_;
  TlsAcceptor tlsAcceptor_{*this};
  std::unique_ptr<net::TcpListener> tlsListener_;
  std::atomic<uint64_t> adoptedTls_{0};
  net::Timer tick_{loop_};
  std::vector<std::unique_ptr<RelaySocket>> relays_;  // by RelayId
  // Closed relayed sockets, freed on the next tick (a flush they posted may still be queued).
  std::vector<std::unique_ptr<RelaySocket>> retired_;
  std::unordered_map<uint64_t, std::shared_ptr<TurnTcpConnection>> connections_;
  uint64_t nextConnection_ = 1;
  RateLimit refusedLog_{10'000'000, 5};
  bool started_ = false;
};

}  // namespace rtcgate::edge
