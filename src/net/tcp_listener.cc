#include "net/tcp_listener.h"

#include <spdlog/spdlog.h>

namespace rtcgate::net {

using boost::asio::ip::tcp;

Status TcpListener::listen(const SocketAddress& address) {
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(address.ipString(), ec);
  if (ec) return Error{Error::Code::kMalformed, "bad TCP listen address"};
  const tcp::endpoint ep(ip, address.port());
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{Error::Code::kInternal, "cannot listen on the TCP address (in use?)"};
  const auto bound = acceptor_.local_endpoint();
  local_ = *SocketAddress::parse(bound.address().to_string(), bound.port());
  accept();
  return {};
}

void TcpListener::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_.cancel();
}

void TcpListener::accept() {
  acceptor_.async_accept(loop_.context(), [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // EMFILE and the like leave the connection queued: retrying at once would spin.
      if (acceptErrors_++ % 100 == 0)
        spdlog::warn("tcp {}: accept failed: {} (retrying in 100 ms)", local_.toString(), ec.message());
      retry_.startUs(kAcceptRetryUs, [this] { accept(); });
      return;
    }
    handler_.onAccepted(std::move(socket));
    accept();
  });
}

}  // namespace rtcgate::net
