#pragma once
// HttpServer: HTTP/1.1 (Boost.Beast) on the control thread, dispatching to a table of routes.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/socket_address.h"
#include "net/event_loop.h"
#include "net/tcp_listener.h"

namespace rtcgate::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using HttpMethod = boost::beast::http::verb;

// How a handler answers one request: exactly once, at once or later (when a worker's
// completion arrives), always on the control thread. A reply dropped unanswered sends 500,
// so a client is never left waiting by a handler that forgot it.
class HttpReply {
 public:
  using Send = std::function<void(HttpResponse)>;
  HttpReply() = default;
  HttpReply(Send send, unsigned version, bool keepAlive);

  // Sends the response; later calls (through any copy) do nothing.
  void operator()(HttpResponse response) const;

 private:
  // Shared by the copies; the last copy to go sends 500 if nobody answered.
  struct State {
    Send send;
    unsigned version = 11;
    bool keepAlive = false;
    ~State();
  };
  std::shared_ptr<State> state_;
};

// Handles the requests of one route; runs on the control thread. `request` is valid only
// during the call: a handler that answers later keeps a copy of what it needs.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // `rest` is what follows the route's prefix in the path (without the query string).
  virtual void handle(const HttpRequest& request, std::string_view rest, HttpReply reply) = 0;
};

// A handler that always answers at once.
class SyncHttpHandler : public HttpHandler {
 public:
  virtual HttpResponse respond(const HttpRequest& request, std::string_view rest) = 0;
  void handle(const HttpRequest& request, std::string_view rest, HttpReply reply) final {
    reply(respond(request, rest));
  }
};

// The request line and headers of `request` without its body: what a deferred answer needs.
HttpRequest requestHead(const HttpRequest& request);

// A plain-text response with a reason, the shape every error takes.
HttpResponse makeResponse(const HttpRequest& request, boost::beast::http::status status,
                          std::string body, std::string_view contentType = "text/plain; charset=utf-8");

// Limits that protect the control thread from misbehaving clients.
struct HttpLimits {
  size_t maxBodyBytes = 64 * 1024;
  int idleTimeoutSeconds = 30;
  // Open HTTP connections (WebSockets count apart); a connection over it is closed at once.
  size_t maxConnections = 4096;
};


class WebSocketHandler;
struct WebSocketLimits;

class HttpServer final : TcpAcceptHandler {
 public:
  HttpServer(EventLoop& loop, HttpLimits limits = {});
  ~HttpServer();

  // Routes are matched in order: exact `method` (or any when `anyMethod`) and path prefix.
  void route(HttpMethod method, std::string prefix, HttpHandler& handler);
  void routeAnyMethod(std::string prefix, HttpHandler& handler);
  // Upgrade requests (GET with "Upgrade: websocket") whose path starts with `prefix`; these
  // routes are matched before the HTTP ones.
  void routeWebSocket(std::string prefix, WebSocketHandler& handler);
  void setWebSocketLimits(const WebSocketLimits& limits);

  Status listen(const SocketAddress& address);
  const SocketAddress& localAddress() const noexcept { return listener_.localAddress(); }
  void close();

  // Dispatches one request through the route table; `reply` is answered once.
  void dispatch(const HttpRequest& request, HttpReply reply);
  // For tests without sockets: the answer, when the handler gave it during the call.
  std::optional<HttpResponse> dispatchNow(const HttpRequest& request);
  // Hands an upgrade request's connection to its WebSocket route; false when none matches.
  bool upgrade(boost::beast::tcp_stream& stream, const HttpRequest& request);
  size_t openWebSockets() const noexcept { return *openWebSockets_; }
  size_t openConnections() const noexcept { return *openConnections_; }
  uint64_t acceptErrors() const noexcept { return listener_.acceptErrors(); }
  uint64_t connectionsRefused() const noexcept { return connectionsRefused_; }

 private:
  struct Route {
    bool anyMethod;
    HttpMethod method;
    std::string prefix;
    HttpHandler* handler;
  };
  // TcpAcceptHandler: a new connection, served unless too many are open.
  void onAccepted(boost::asio::ip::tcp::socket socket) override;

  HttpLimits limits_;
  TcpListener listener_;
  std::vector<Route> routes_;
  struct WebSocketRoute {
    std::string prefix;
    WebSocketHandler* handler;
  };
  std::vector<WebSocketRoute> webSocketRoutes_;
  std::unique_ptr<WebSocketLimits> webSocketLimits_;
  std::shared_ptr<size_t> openWebSockets_ = std::make_shared<size_t>(0);
  std::shared_ptr<size_t> openConnections_ = std::make_shared<size_t>(0);
  uint64_t connectionsRefused_ = 0;
};

}  // namespace rtcgate::net
