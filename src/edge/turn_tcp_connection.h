#pragma once
// TurnTcpConnection: one TURN client over TCP on the TURN loop — frames STUN and ChannelData
// messages by their own length fields (RFC 8656 §12.5) and writes the server's answers and
// relayed data through a bounded TcpWriter. A TLS connection will be the same on a TLS stream.

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <span>

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

  TurnTcpConnection(TurnService& service, boost::asio::ip::tcp::socket socket, uint64_t id, Clock& clock);

  void start();
  // Sends one message; dropped (and counted) when the client is not reading.
  void send(std::span<const uint8_t> bytes);
  void close(const char* reason);

  const transport::turn::TurnClient& client() const noexcept { return client_; }
  int64_t openedMs() const noexcept { return openedMs_; }
  uint64_t droppedWrites() const noexcept { return droppedWrites_; }

 private:
  void read();
  // Hands every complete frame in the buffer to the server; false when the stream is broken.
  bool deliverFrames();

  TurnService& service_;
  boost::asio::ip::tcp::socket socket_;
  Clock& clock_;
  net::TcpWriter writer_;
  transport::turn::TurnClient client_;
  std::array<uint8_t, 2 * kMaxFrame> buffer_{};
  size_t used_ = 0;
  int64_t openedMs_ = 0;
  uint64_t droppedWrites_ = 0;
  bool closed_ = false;
};

}  // namespace rtcgate::edge
