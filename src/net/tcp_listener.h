#pragma once
// TcpListener: accepts TCP connections on a loop and hands each socket to its handler
// (the RTMP server; the HTTP server has its own).

#include <boost/asio/ip/tcp.hpp>

#include "base/result.h"
#include "base/socket_address.h"
#include "net/event_loop.h"

namespace rtcgate::net {

// After a failed accept (EMFILE, ENFILE, ENOBUFS: the connection stays queued in the kernel),
// wait this long before the next one instead of retrying at once at 100 % CPU.
inline constexpr int64_t kAcceptRetryUs = 100'000;

class TcpAcceptHandler {
 public:
  virtual ~TcpAcceptHandler() = default;
  // A new connection, on the loop's thread.
  virtual void onAccepted(boost::asio::ip::tcp::socket socket) = 0;
};

class TcpListener {
 public:
  TcpListener(EventLoop& loop, TcpAcceptHandler& handler) : loop_(loop), handler_(handler), acceptor_(loop.context()) {}
  ~TcpListener() { close(); }

  Status listen(const SocketAddress& address);
  void close();
  const SocketAddress& localAddress() const noexcept { return local_; }
  uint64_t acceptErrors() const noexcept { return acceptErrors_; }

 private:
  void accept();

  EventLoop& loop_;
  TcpAcceptHandler& handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  SocketAddress local_;
  Timer retry_{loop_};
  uint64_t acceptErrors_ = 0;
};

}  // namespace rtcgate::net
