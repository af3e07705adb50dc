#pragma once
// HttpServer: HTTP/1.1 (Boost.Beast) on the control thread, dispatching to a table of routes.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/socket_address.h"
#include "net/event_loop.h"

namespace rtcgate::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using HttpMethod = boost::beast::http::verb;

// Handles the requests of one route; runs on the control thread.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // `path` is the request target without its query string; `rest` what follows the prefix.
  virtual HttpResponse handle(const HttpRequest& request, std::string_view rest) = 0;
};

// A plain-text response with a reason, the shape every error takes.
HttpResponse makeResponse(const HttpRequest& request, boost::beast::http::status status,
                          std::string body, std::string_view contentType = "text/plain; charset=utf-8");

// Limits that protect the control thread from misbehaving clients.
struct HttpLimits {
  size_t maxBodyBytes = 64 * 1024;
  int idleTimeoutSeconds = 30;
};

class HttpServer {
 public:
  HttpServer(EventLoop& loop, HttpLimits limits = {});
  ~HttpServer();

  // Routes are matched in order: exact `method` (or any when `anyMethod`) and path prefix.
  void route(HttpMethod method, std::string prefix, HttpHandler& handler);
  void routeAnyMethod(std::string prefix, HttpHandler& handler);

  Status listen(const SocketAddress& address);
  const SocketAddress& localAddress() const noexcept { return local_; }
  void close();

  // Dispatches one request through the route table (also used by tests without sockets).
  HttpResponse dispatch(const HttpRequest& request);

 private:
  struct Route {
    bool anyMethod;
    HttpMethod method;
    std::string prefix;
    HttpHandler* handler;
  };
  void accept();

  EventLoop& loop_;
  HttpLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  SocketAddress local_;
  std::vector<Route> routes_;
};

}  // namespace rtcgate::net
