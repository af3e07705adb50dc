#include "edge/turn_tcp_connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "edge/turn_service.h"
#include "wire/turn/stream_framing.h"

namespace rtcgate::edge {

using boost::asio::ip::tcp;

TurnTcpConnection::TurnTcpConnection(TurnService& service, tcp::socket socket, uint64_t id, Clock& clock,
                                     boost::asio::ssl::context* tls, std::vector<uint8_t> firstBytes)
    : service_(service),
      socket_(std::move(socket)),
      firstBytes_(std::move(firstBytes)),
      clock_(clock),
      writer_(socket_, clock_),
      openedMs_(clock.nowMs()) {
  client_.transport = tls ? transport::turn::ClientTransport::kTls : transport::turn::ClientTransport::kTcp;
  if (tls) {
    tls_ = std::make_unique<boost::asio::ssl::stream<tcp::socket&>>(socket_, *tls);
    writer_.writeThrough([this](boost::asio::const_buffer bytes, net::TcpWriter::Written done) {
      boost::asio::async_write(*tls_, bytes, std::move(done));
    });
  }
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
  if (!tls_) return read();
  tls_->async_handshake(boost::asio::ssl::stream_base::server, boost::asio::buffer(firstBytes_),
                        [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                          if (self->closed_) return;
                          self->firstBytes_ = {};
                          if (ec) return self->close("TLS handshake failed");
                          self->handshaken_ = true;
                          self->read();
                        });
}

void TurnTcpConnection::read() {
  const auto into = boost::asio::buffer(buffer_.data() + used_, buffer_.size() - used_);
  auto done = [self = shared_from_this()](const boost::system::error_code& ec, size_t n) { self->onRead(ec, n); };
  if (tls_) return tls_->async_read_some(into, std::move(done));
  socket_.async_read_some(into, std::move(done));
}

void TurnTcpConnection::onRead(const boost::system::error_code& ec, size_t n) {
  if (closed_) return;
  if (ec) return close(ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated
                           ? "closed by client"
                           : "read failed");
  used_ += n;
  if (deliverFrames()) read();
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
