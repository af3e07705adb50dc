#include "edge/turn_tcp_connection.h"

#include <spdlog/spdlog.h>

#include <cstring>

#include "edge/turn_service.h"
#include "wire/turn/stream_framing.h"

namespace rtcgate::edge {

using boost::asio::ip::tcp;

TurnTcpConnection::TurnTcpConnection(TurnService& service, tcp::socket socket, uint64_t id, Clock& clock)
    : service_(service),
      socket_(std::move(socket)),
      clock_(clock),
      writer_(socket_, clock_),
      openedMs_(clock.nowMs()) {
  client_.transport = transport::turn::ClientTransport::kTcp;
  client_.connection = id;
  boost::system::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  if (!ec)
    client_.remote =
        SocketAddress::parse(remote.address().to_string(), remote.port()).value_or(SocketAddress{});
  socket_.set_option(tcp::no_delay(true), ec);  // relayed media must not wait for Nagle
}

void TurnTcpConnection::start() {
  writer_.onWritten([this](const boost::system::error_code& ec, size_t) {
    if (ec) close("write failed");
  });
  read();
}

void TurnTcpConnection::read() {
  socket_.async_read_some(
      boost::asio::buffer(buffer_.data() + used_, buffer_.size() - used_),
      [self = shared_from_this()](boost::system::error_code ec, size_t n) {
        if (self->closed_) return;
        if (ec) return self->close(ec == boost::asio::error::eof ? "closed by client" : "read failed");
        self->used_ += n;
        if (self->deliverFrames()) self->read();
      });
}

bool TurnTcpConnection::deliverFrames() {
  size_t pos = 0;
  while (!closed_) {
    const auto rest = std::span<const uint8_t>(buffer_).subspan(pos, used_ - pos);
    const auto frame = wire::turn::nextFrameLength(rest, kMaxFrame);
    if (!frame.ok()) {
      close(frame.error().message);
      return false;
    }
    if (*frame == 0 || *frame > rest.size()) break;
    service_.onClientFrame(client_, rest.first(*frame));
    pos += *frame;
  }
  if (closed_) return false;
  if (pos > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos, used_ - pos);
    used_ -= pos;
  }
  return true;
}

void TurnTcpConnection::send(std::span<const uint8_t> bytes) {
  if (closed_) return;
  if (writer_.queuedBytes() + bytes.size() > kMaxBacklogBytes) {
    ++droppedWrites_;
    return;
  }
  writer_.write(bytes, shared_from_this());
}

void TurnTcpConnection::close(const char* reason) {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.close(ec);
  service_.onConnectionClosed(*this, reason);
}

}  // namespace rtcgate::edge
