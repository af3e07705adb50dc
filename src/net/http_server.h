#pragma once
// HttpServer: HTTP/1.1 (Boost.Beast) on the control thread, dispatching to a table of routes.

#include <boost/asio/ip/tcp.hpp>
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
#include "base/clock.h"
#include "net/client_limiter.h"
#include "net/first_bytes.h"
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
  // `remote`: the client's address (empty for requests that did not come from a socket).
  HttpReply(Send send, unsigned version, bool keepAlive, SocketAddress remote = {});

  // Sends the response; later calls (through any copy) do nothing.
  void operator()(HttpResponse response) const;
  // Who asked (per-client limits); empty when unknown.
  const SocketAddress& remote() const noexcept;

 private:
  // Shared by the copies; the last copy to go sends 500 if nobody answered.
  struct State {
    Send send;
    unsigned version = 11;
    bool keepAlive = false;
    SocketAddress remote;
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
  size_t maxHeaderBytes = 16 * 1024;  // request line and headers; over it: 431
  // A kept-alive connection waits this long for the first byte of its next request.
  int idleTimeoutSeconds = 30;
  // A request's line and headers must arrive within this (counted from the accept, or the
  // TLS handshake, for a new connection; from its first byte on a kept-alive one): a client
  // trickling headers (slowloris) is closed then.
  int headerTimeoutSeconds = 10;
  int bodyTimeoutSeconds = 30;    // the body, once the headers are in
  int writeTimeoutSeconds = 30;   // an answer the client does not read
  int tlsHandshakeTimeoutSeconds = 10;
  // After an answer that ends the connection: the write side is shut and what the client
  // still sends (the rest of a refused body) is read and dropped, up to these bounds, so
  // the client reads the answer instead of a reset.
  int lingerSeconds = 5;
  size_t lingerMaxBytes = 32 * 1024 * 1024;
  // Open HTTP connections (WebSockets count apart); a connection over it is closed at once.
  size_t maxConnections = 4096;
  // Per client address: new connections per second and at once (WebSockets included).
  ClientLimits perClient;
  // Strict-Transport-Security max-age sent on HTTPS answers; 0 = no header.
  int64_t hstsMaxAgeSeconds = 0;
};

// What the HTTP listeners counted; shared with the connections, which may outlive the server.
struct HttpCounters {
  size_t openConnections = 0;
  size_t openWebSockets = 0;
  uint64_t refusedOverCap = 0;         // maxConnections reached
  uint64_t refusedClientRate = 0;      // a client's token bucket was empty
  uint64_t refusedClientOpen = 0;      // a client had maxOpenPerClient open
  uint64_t refusedClientTable = 0;     // too many clients tracked
  uint64_t headerTimeouts = 0;         // slowloris: headers not complete in time
  uint64_t bodyTimeouts = 0;
  uint64_t tlsHandshakeTimeouts = 0;
  uint64_t tlsHandshakeFailures = 0;
  uint64_t bodyTooLarge = 0;           // 413
  uint64_t headerTooLarge = 0;         // 431
  uint64_t malformed = 0;              // 400
  uint64_t claimed = 0;                // taken by a FirstBytesClaimant
  uint64_t acceptErrors = 0;
};

class WebSocketHandler;
struct WebSocketLimits;
class TlsContext;

// HTTP/1.1 and WebSocket on any number of listeners, plain or TLS, sharing one route table.
class HttpServer final {
 public:
  // `clock` (for the per-client buckets) defaults to the steady clock.
  HttpServer(EventLoop& loop, HttpLimits limits = {}, const Clock* clock = nullptr);
  ~HttpServer();

  // Routes are matched in order: exact `method` (or any when `anyMethod`) and path prefix.
  void route(HttpMethod method, std::string prefix, HttpHandler& handler);
  void routeAnyMethod(std::string prefix, HttpHandler& handler);
  // Upgrade requests (GET with "Upgrade: websocket") whose path starts with `prefix`; these
  // routes are matched before the HTTP ones.
  void routeWebSocket(std::string prefix, WebSocketHandler& handler);
  void setWebSocketLimits(const WebSocketLimits& limits);
  // Shows the first bytes of every new connection to `claimant` first (null: none).
  void setFirstBytesClaimant(FirstBytesClaimant* claimant) { claimant_ = claimant; }

  // Plain HTTP on `address`.
  Status listen(const SocketAddress& address);
  // HTTPS (and WSS) on `address` with `tls`.
  Status listenTls(const SocketAddress& address, std::shared_ptr<TlsContext> tls);
  // The first plain / TLS listener's bound address (empty when there is none).
  const SocketAddress& localAddress() const noexcept;
  const SocketAddress& tlsLocalAddress() const noexcept;
  void close();

  // Dispatches one request through the route table; `reply` is answered once.
  void dispatch(const HttpRequest& request, HttpReply reply);
  // For tests without sockets: the answer, when the handler gave it during the call.
  std::optional<HttpResponse> dispatchNow(const HttpRequest& request);
  // Hands an upgrade request's connection (a beast::tcp_stream or TLS stream over one) to
  // its WebSocket route; false when none matches (the stream is then untouched).
  template <class Stream>
  bool upgrade(Stream& stream, const HttpRequest& request, const SocketAddress& remote, ClientSlot& slot);

  const HttpLimits& limits() const noexcept { return limits_; }
  const HttpCounters& counters() const noexcept { return *counters_; }
  size_t openWebSockets() const noexcept { return counters_->openWebSockets; }
  size_t openConnections() const noexcept { return counters_->openConnections; }
  uint64_t acceptErrors() const noexcept;
  uint64_t connectionsRefused() const noexcept { return counters_->refusedOverCap; }

 private:
  struct Route {
    bool anyMethod;
    HttpMethod method;
    std::string prefix;
    HttpHandler* handler;
  };
  struct Endpoint;  // one listening socket, plain or TLS
  friend struct Endpoint;
  // A new connection on `endpoint`: admitted (caps, per-client limits), shown to the
  // claimant, then served as HTTP or HTTPS.
  void onAccepted(boost::asio::ip::tcp::socket socket, Endpoint& endpoint);
  void serve(boost::asio::ip::tcp::socket socket, const std::shared_ptr<TlsContext>& tls, SocketAddress remote,
             ClientSlot slot, std::string firstBytes);
  void readFirstBytes(boost::asio::ip::tcp::socket socket, std::shared_ptr<TlsContext> tls, SocketAddress remote,
                      ClientSlot slot);
  Status addEndpoint(const SocketAddress& address, std::shared_ptr<TlsContext> tls);

  EventLoop& loop_;
  HttpLimits limits_;
  SteadyClock steadyClock_;
  ClientLimiter clientLimiter_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::vector<Route> routes_;
  struct WebSocketRoute {
    std::string prefix;
    WebSocketHandler* handler;
  };
  std::vector<WebSocketRoute> webSocketRoutes_;
  std::unique_ptr<WebSocketLimits> webSocketLimits_;
  FirstBytesClaimant* claimant_ = nullptr;
  std::shared_ptr<HttpCounters> counters_ = std::make_shared<HttpCounters>();
  uint64_t refusedLogged_ = 0;
};

}  // namespace rtcgate::net
