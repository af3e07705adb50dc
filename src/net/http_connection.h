#pragma once
// One HTTP/1.1 connection of an HttpServer, plain or TLS: reads a request within its
// timeouts, dispatches it, writes the answer, and repeats while keep-alive; ends with a
// lingering close so a client still sending reads the answer.

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "base/socket_address.h"
#include "net/client_limiter.h"
#include "net/http_server.h"

namespace rtcgate::net {

class TlsContext;

// Starts serving `socket` (TLS with `tls`, plain without); `firstBytes` were already read
// from it. The connection keeps itself alive through its pending operations.
void startHttpConnection(HttpServer& server, boost::asio::ip::tcp::socket socket, std::shared_ptr<TlsContext> tls,
                         SocketAddress remote, ClientSlot slot, std::string firstBytes,
                         std::shared_ptr<HttpCounters> counters);

}  // namespace rtcgate::net
