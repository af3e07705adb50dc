#include "cluster/ice_tcp_connection.h"

namespace rtcgate::cluster {

namespace {
constexpr int kReadsPerWake = 8;  // bounded, so one busy connection cannot starve the worker
}

std::string_view iceTcpCloseName(IceTcpClose reason) noexcept {
  switch (reason) {
    case IceTcpClose::kPeerClosed: return "peer_closed";
    case IceTcpClose::kRefused: return "refused";
    case IceTcpClose::kBadFirstPacket: return "bad_first_packet";
    case IceTcpClose::kSessionLimit: return "session_limit";
    case IceTcpClose::kAuthTimeout: return "auth_timeout";
    case IceTcpClose::kFrameTooLarge: return "frame_too_large";
    case IceTcpClose::kIdle: return "idle";
    case IceTcpClose::kWriteStalled: return "write_stalled";
    case IceTcpClose::kShutdown: return "shutdown";
    case IceTcpClose::kCount: break;
  }
  return "unknown";
}

IceTcpConnection::IceTcpConnection(net::EventLoop& loop, boost::asio::ip::tcp::socket socket, SocketAddress remote,
                                   Clock& clock, Owner& owner, size_t maxBufferedBytes)
    : loop_(loop),
      socket_(std::move(socket)),
      remote_(remote),
      clock_(clock),
      owner_(owner),
      maxBuffered_(maxBufferedBytes),
      reader_(rx_, kMaxDatagram),
      acceptedUs_(clock.nowUs()),
      lastDeliveredUs_(acceptedUs_),
      lastWriteProgressUs_(acceptedUs_) {}

void IceTcpConnection::start() {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ec);  // media: no Nagle delay
  tx_.reserve(16 * 1024);
  armRead();
}

void IceTcpConnection::armRead() {
  socket_.async_wait(boost::asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       if (ec || !self->open_) return;
                       self->readSome();
                       if (self->open_) self->armRead();
                     });
}

void IceTcpConnection::readSome() {
  for (int i = 0; i < kReadsPerWake && open_; ++i) {
    auto room = reader_.writable();
    boost::system::error_code ec;
    const size_t n = socket_.read_some(boost::asio::buffer(room.data(), room.size()), ec);
    if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) return;
    if (ec) {
      close(IceTcpClose::kPeerClosed);
      return;
    }
    reader_.commit(n);
    for (;;) {
      const auto next = reader_.next();
      if (next.status == wire::rfc4571::FrameReader::Status::kNeedMore) break;
      if (next.status == wire::rfc4571::FrameReader::Status::kTooLarge) {
        close(IceTcpClose::kFrameTooLarge);
        return;
      }
      owner_.onFrame(*this, next.payload);
      if (!open_) return;
    }
    if (n < room.size()) return;  // drained what the kernel had
  }
}

bool IceTcpConnection::send(std::span<const uint8_t> datagram) noexcept {
  if (!open_ || datagram.size() > wire::rfc4571::kMaxPayload) return false;
  const size_t need = wire::rfc4571::kHeaderSize + datagram.size();
  if (bufferedBytes() + need > maxBuffered_) return false;
  if (txHead_ == tx_.size()) {
    tx_.clear();
    txHead_ = 0;
  } else if (txHead_ > tx_.capacity() / 2) {
    tx_.erase(tx_.begin(), tx_.begin() + static_cast<std::ptrdiff_t>(txHead_));  // keep the buffer compact
    txHead_ = 0;
  }
  if (bufferedBytes() == 0) lastWriteProgressUs_ = clock_.nowUs();
  const size_t at = tx_.size();
  tx_.resize(at + need);  // capacity grows to the working size once, then is reused
  (void)wire::rfc4571::serializeTo(std::span(tx_).subspan(at), datagram);
  scheduleFlush();
  return true;
}

void IceTcpConnection::scheduleFlush() {
  if (flushPosted_ || writeArmed_) return;
  flushPosted_ = true;
  // At the end of this loop turn: the packets of one burst go out in one write.
  loop_.post([self = shared_from_this()] {
    self->flushPosted_ = false;
    self->flush();
  });
}

void IceTcpConnection::flush() {
  while (open_ && txHead_ < tx_.size()) {
    boost::system::error_code ec;
    const size_t n = socket_.write_some(boost::asio::buffer(tx_.data() + txHead_, tx_.size() - txHead_), ec);
    if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
      writeArmed_ = true;
      socket_.async_wait(boost::asio::ip::tcp::socket::wait_write,
                         [self = shared_from_this()](const boost::system::error_code& e) {
                           self->writeArmed_ = false;
                           if (!e) self->flush();
                         });
      return;
    }
    if (ec) {
      close(IceTcpClose::kPeerClosed);
      return;
    }
    txHead_ += n;
    lastWriteProgressUs_ = clock_.nowUs();
  }
}

void IceTcpConnection::close(IceTcpClose reason) noexcept {
  if (!open_) return;
  if (reason == IceTcpClose::kShutdown) flush();  // a last DTLS close_notify, if the socket takes it
  open_ = false;
  boost::system::error_code ec;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  owner_.onClosed(*this, reason);
}

}  // namespace rtcgate::cluster
