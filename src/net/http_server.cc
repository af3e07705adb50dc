#include "net/http_server.h"

#include "net/websocket_connection.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>

namespace rtcgate::net {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

HttpResponse makeResponse(const HttpRequest& request, http::status status, std::string body,
                          std::string_view contentType) {
  HttpResponse res{status, request.version()};
  res.set(http::field::server, "rtcgate");
  res.set(http::field::content_type, contentType);
  res.keep_alive(request.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpReply::HttpReply(Send send, unsigned version, bool keepAlive) : state_(std::make_shared<State>()) {
  state_->send = std::move(send);
  state_->version = version;
  state_->keepAlive = keepAlive;
}

HttpReply::State::~State() {
  if (!send) return;
  HttpRequest head;
  head.version(version);
  head.keep_alive(keepAlive);
  auto s = std::move(send);
  s(makeResponse(head, http::status::internal_server_error, "internal error: request was not answered\n"));
}

void HttpReply::operator()(HttpResponse response) const {
  if (!state_ || !state_->send) return;
  auto send = std::move(state_->send);
  state_->send = nullptr;
  send(std::move(response));
}

HttpRequest requestHead(const HttpRequest& request) {
  HttpRequest head{request.base()};
  return head;
}

namespace {

// One HTTP connection: read a request, dispatch, write, repeat while keep-alive.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, HttpServer& server, HttpLimits limits, std::shared_ptr<size_t> open)
      : stream_(std::move(socket)), server_(server), limits_(limits), open_(std::move(open)) {
    ++*open_;
  }
  ~HttpConnection() { --*open_; }

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(limits_.maxBodyBytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(limits_.idleTimeoutSeconds));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == boost::asio::error::eof) {
      return shutdown();
    }
    if (ec == http::error::body_limit) {
      HttpRequest req = parser_->release();
      return write(makeResponse(req, http::status::payload_too_large, "request body too large\n"), false);
    }
    if (ec) {
      if (ec != boost::asio::error::operation_aborted && ec != boost::asio::error::connection_reset) {
        HttpRequest req;
        req.version(11);
        return write(makeResponse(req, http::status::bad_request, "malformed HTTP request: " + ec.message() + "\n"),
                     false);
      }
      return shutdown();
    }
    HttpRequest req = parser_->release();
    // A WebSocket upgrade takes the connection over (or is answered and closed there).
    if (boost::beast::websocket::is_upgrade(req) && server_.upgrade(stream_, req)) return;
    // The next request is read only after this one is answered (no pipelining), so the
    // answer may come later, when a worker's completion arrives.
    server_.dispatch(req, HttpReply(
                              [self = shared_from_this()](HttpResponse res) {
                                const bool keep = res.keep_alive();
                                self->write(std::move(res), keep);
                              },
                              req.version(), req.keep_alive()));
  }

  void write(HttpResponse res, bool keepAlive) {
    auto shared = std::make_shared<HttpResponse>(std::move(res));
    shared->keep_alive(keepAlive);
    http::async_write(stream_, *shared,
                      [self = shared_from_this(), shared, keepAlive](beast::error_code ec, size_t) {
                        if (ec || !keepAlive) return self->shutdown();
                        self->read();
                      });
  }

  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpServer& server_;
  HttpLimits limits_;
  std::shared_ptr<size_t> open_;  // the server's count of open connections
};

std::string_view pathOf(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

}  // namespace

HttpServer::HttpServer(EventLoop& loop, HttpLimits limits)
    : limits_(limits), listener_(loop, *this), webSocketLimits_(std::make_unique<WebSocketLimits>()) {}

HttpServer::~HttpServer() { close(); }

void HttpServer::route(HttpMethod method, std::string prefix, HttpHandler& handler) {
  routes_.push_back({false, method, std::move(prefix), &handler});
}

void HttpServer::routeAnyMethod(std::string prefix, HttpHandler& handler) {
  routes_.push_back({true, HttpMethod::unknown, std::move(prefix), &handler});
}

void HttpServer::routeWebSocket(std::string prefix, WebSocketHandler& handler) {
  webSocketRoutes_.push_back({std::move(prefix), &handler});
}

void HttpServer::setWebSocketLimits(const WebSocketLimits& limits) { *webSocketLimits_ = limits; }

bool HttpServer::upgrade(beast::tcp_stream& stream, const HttpRequest& request) {
  const std::string_view path = pathOf(request.target());
  for (const auto& r : webSocketRoutes_) {
    if (path.substr(0, r.prefix.size()) != r.prefix) continue;
    beast::error_code ec;
    const auto endpoint = stream.socket().remote_endpoint(ec);
    SocketAddress remote;
    if (!ec) remote = SocketAddress::parse(endpoint.address().to_string(), endpoint.port()).value_or(SocketAddress{});
    auto conn = std::make_shared<WebSocketConnection>(std::move(stream), remote, *webSocketLimits_, openWebSockets_);
    if (*openWebSockets_ > webSocketLimits_->maxConnections) {
      conn->refuse(makeResponse(request, http::status::service_unavailable, "too many WebSocket connections\n"));
      return true;
    }
    try {
      auto decision = r.handler->accept(request, path.substr(r.prefix.size()), conn);
      if (auto* listener = std::get_if<WebSocketListener*>(&decision)) conn->accept(request, **listener);
      else conn->refuse(std::move(std::get<HttpResponse>(decision)));
    } catch (const std::exception& e) {
      spdlog::error("http: websocket handler for {} failed: {}", r.prefix, e.what());
      conn->refuse(makeResponse(request, http::status::internal_server_error, "internal error\n"));
    }
    return true;
  }
  return false;
}

Status HttpServer::listen(const SocketAddress& address) { return listener_.listen(address); }

void HttpServer::close() { listener_.close(); }

void HttpServer::onAccepted(tcp::socket socket) {
  if (*openConnections_ >= limits_.maxConnections) {
    if (connectionsRefused_++ % 100 == 0)
      spdlog::warn("http: {} connections open, closing new ones (max {})", *openConnections_, limits_.maxConnections);
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  std::make_shared<HttpConnection>(std::move(socket), *this, limits_, openConnections_)->start();
}

void HttpServer::dispatch(const HttpRequest& request, HttpReply reply) {
  const std::string_view path = pathOf(request.target());
  for (const auto& r : routes_) {
    if (!r.anyMethod && r.method != request.method()) continue;
    if (path.substr(0, r.prefix.size()) != r.prefix) continue;
    // A handler that throws has not answered; its reply, destroyed unanswered, sends 500.
    try {
      r.handler->handle(request, path.substr(r.prefix.size()), std::move(reply));
    } catch (const std::exception& e) {
      spdlog::error("http: handler for {} failed: {}", r.prefix, e.what());
    }
    return;
  }
  reply(makeResponse(request, http::status::not_found, "no such resource\n"));
}

std::optional<HttpResponse> HttpServer::dispatchNow(const HttpRequest& request) {
  auto out = std::make_shared<std::optional<HttpResponse>>();
  dispatch(request, HttpReply([out](HttpResponse res) { *out = std::move(res); }, request.version(),
                              request.keep_alive()));
  return std::move(*out);
}

}  // namespace rtcgate::net
