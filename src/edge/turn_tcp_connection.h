#pragma once
// TurnTcpConnection: one TURN client over TCP or TLS on the TURN loop — frames STUN and
// ChannelData messages by their own length fields (RFC 8656 §12.5) and writes the server's
// answers and relayed data through a bounded TcpWriter. Over TLS the handshake comes first,
// fed with the bytes a listener already read (the ClientHello it routed by).

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/clock.h"
#include "net/tcp_writer.h"
#include "transport/turn/turn_types.h"

namespace rtcgate::edge {

class TurnService;

class TurnTcpConnection final : public std::enable_shared_from_this<TurnTcpConnection> {
 public:
  // A client frame is a STUN message or ChannelData of a media datagram: 4 KiB is plenty.
  static constexpr size_t kMaxFrame = 4096;
  // Unsent output before relayed data to this client is dropped.
  static constexpr size_t kMaxBacklogBytes = 1u << 20;

  // `tls` non-null: TURN over TLS; `firstBytes` is where the client's stream starts.
  TurnTcpConnection(TurnService& service, boost::asio::ip::tcp::socket socket, uint64_t id, Clock& clock,
                    boost::asio::ssl::context* tls = nullptr, std::vector<uint8_t> firstBytes = {});

  void start();
  // Sends one message; dropped (and counted) when the client is not reading.
  void send(std::span<const uint8_t> bytes);
  void close(const char* reason);

  const transport::turn::TurnClient& client() const noexcept { return client_; }
  int64_t openedMs() const noexcept { return openedMs_; }
  // False while a TLS connection has not finished its handshake.
  bool handshaken() const noexcept { return handshaken_ || !tls_; }
  uint64_t droppedWrites() const noexcept { return droppedWrites_; }

 private:
  void read();
  void onRead(const boost::system::error_code& ec, size_t n);
  // Hands every complete frame in the buffer to the server; false when the stream is broken.
  bool deliverFrames();

  TurnService& service_;
  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  std::vector<uint8_t> firstBytes_;
  Clock& clock_;
  net::TcpWriter writer_;
  transport::turn::TurnClient client_;
  std::array<uint8_t, 2 * kMaxFrame> buffer_{};
  size_t used_ = 0;
  int64_t openedMs_ = 0;
  uint64_t droppedWrites_ = 0;
  bool closed_ = false;
  bool handshaken_ = false;
};

}  // namespace rtcgate::edge
