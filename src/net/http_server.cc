#include "net/http_server.h"

#include "net/http_connection.h"
#include "net/tls_context.h"
#include "net/tls_stream.h"
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

HttpReply::HttpReply(Send send, unsigned version, bool keepAlive, SocketAddress remote)
    : state_(std::make_shared<State>()) {
  state_->send = std::move(send);
  state_->version = version;
  state_->keepAlive = keepAlive;
  state_->remote = std::move(remote);
}

const SocketAddress& HttpReply::remote() const noexcept {
  static const SocketAddress kNone;
  return state_ ? state_->remote : kNone;
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

std::string_view pathOf(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

}  // namespace

// One listening socket and whether it speaks TLS.
struct HttpServer::Endpoint final : TcpAcceptHandler {
  Endpoint(HttpServer& server, std::shared_ptr<TlsContext> tls)
      : server(server), tls(std::move(tls)), listener(server.loop_, *this) {}
  void onAccepted(tcp::socket socket) override { server.onAccepted(std::move(socket), *this); }

  HttpServer& server;
  std::shared_ptr<TlsContext> tls;
  TcpListener listener;
};

namespace {

// Reads the first bytes of a new connection for the FirstBytesClaimant, within the
// handshake (TLS) or header (plain) timeout, then hands the socket on.
class FirstBytesReader : public std::enable_shared_from_this<FirstBytesReader> {
 public:
  using Done = std::function<void(tcp::socket, std::vector<uint8_t>, bool timedOut)>;
  // Counted in `counters` as an open connection while it reads (the cap holds for these too).
  FirstBytesReader(tcp::socket socket, FirstBytesClaimant& claimant, bool tls, SocketAddress remote, int timeoutSeconds,
                   Done done, std::shared_ptr<HttpCounters> counters)
      : stream_(std::move(socket)),
        claimant_(claimant),
        tls_(tls),
        remote_(std::move(remote)),
        done_(std::move(done)),
        counters_(std::move(counters)) {
    stream_.expires_after(std::chrono::seconds(timeoutSeconds));
    ++counters_->openConnections;
  }
  ~FirstBytesReader() { --counters_->openConnections; }

  // Reads until the claimant decides; `done` gets the socket with `take` false when it
  // declined (and is not called when it took it or the client left).
  void read(std::function<void(tcp::socket, std::vector<uint8_t>)> take) {
    take_ = std::move(take);
    readSome();
  }

 private:
  void readSome() {
    const size_t have = bytes_.size();
    bytes_.resize(std::min(kFirstBytesMax, have + 2048));
    stream_.async_read_some(boost::asio::buffer(bytes_.data() + have, bytes_.size() - have),
                            [self = shared_from_this(), have](beast::error_code ec, size_t n) {
                              self->bytes_.resize(have + n);
                              self->onRead(ec);
                            });
  }

  void onRead(beast::error_code ec) {
    if (ec) return done_(stream_.release_socket(), {}, ec == beast::error::timeout);
    const auto claim = claimant_.inspect(bytes_, tls_, remote_);
    if (claim == FirstBytesClaimant::Claim::kNeedMore && bytes_.size() < kFirstBytesMax) return readSome();
    stream_.expires_never();
    if (claim == FirstBytesClaimant::Claim::kTake) return take_(stream_.release_socket(), std::move(bytes_));
    done_(stream_.release_socket(), std::move(bytes_), false);
  }

  beast::tcp_stream stream_;
  FirstBytesClaimant& claimant_;
  bool tls_;
  SocketAddress remote_;
  Done done_;
  std::shared_ptr<HttpCounters> counters_;
  std::function<void(tcp::socket, std::vector<uint8_t>)> take_;
  std::vector<uint8_t> bytes_;
};

SocketAddress remoteOf(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return {};
  return SocketAddress::parse(endpoint.address().to_string(), endpoint.port()).value_or(SocketAddress{});
}

}  // namespace

HttpServer::HttpServer(EventLoop& loop, HttpLimits limits, const Clock* clock)
    : loop_(loop),
      limits_(limits),
      clientLimiter_(limits.perClient, clock ? *clock : steadyClock_),
      webSocketLimits_(std::make_unique<WebSocketLimits>()) {}

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

template <class Stream>
bool HttpServer::upgrade(Stream& stream, const HttpRequest& request, const SocketAddress& remote, ClientSlot& slot) {
  const std::string_view path = pathOf(request.target());
  for (const auto& r : webSocketRoutes_) {
    if (path.substr(0, r.prefix.size()) != r.prefix) continue;
    auto conn = std::make_shared<WebSocketConnection<Stream>>(
        std::move(stream), remote, *webSocketLimits_,
        std::shared_ptr<size_t>(counters_, &counters_->openWebSockets), std::move(slot));
    if (counters_->openWebSockets > webSocketLimits_->maxConnections) {
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

template bool HttpServer::upgrade<PlainStream>(PlainStream&, const HttpRequest&, const SocketAddress&, ClientSlot&);
template bool HttpServer::upgrade<TlsStream>(TlsStream&, const HttpRequest&, const SocketAddress&, ClientSlot&);

Status HttpServer::addEndpoint(const SocketAddress& address, std::shared_ptr<TlsContext> tls) {
  auto endpoint = std::make_unique<Endpoint>(*this, std::move(tls));
  if (auto st = endpoint->listener.listen(address); !st.ok()) return st;
  endpoints_.push_back(std::move(endpoint));
  return {};
}

Status HttpServer::listen(const SocketAddress& address) { return addEndpoint(address, nullptr); }

Status HttpServer::listenTls(const SocketAddress& address, std::shared_ptr<TlsContext> tls) {
  if (!tls) return Error::state("HTTPS listener without a TLS context");
  return addEndpoint(address, std::move(tls));
}

const SocketAddress& HttpServer::localAddress() const noexcept {
  static const SocketAddress kNone;
  for (const auto& e : endpoints_)
    if (!e->tls) return e->listener.localAddress();
  return kNone;
}

const SocketAddress& HttpServer::tlsLocalAddress() const noexcept {
  static const SocketAddress kNone;
  for (const auto& e : endpoints_)
    if (e->tls) return e->listener.localAddress();
  return kNone;
}

uint64_t HttpServer::acceptErrors() const noexcept {
  uint64_t n = 0;
  for (const auto& e : endpoints_) n += e->listener.acceptErrors();
  return n;
}

void HttpServer::close() {
  for (auto& e : endpoints_) e->listener.close();
}

void HttpServer::onAccepted(tcp::socket socket, Endpoint& endpoint) {
  auto refuse = [&](uint64_t& counter, const char* why) {
    ++counter;
    // Rate-limited: a flood must not become a flood of log lines.
    if (refusedLogged_++ % 100 == 0)
      spdlog::warn("http: closing a new connection from {}: {} ({} refused so far)", remoteOf(socket).ipString(), why,
                   refusedLogged_);
    beast::error_code ignored;
    socket.close(ignored);
  };
  if (counters_->openConnections >= limits_.maxConnections) return refuse(counters_->refusedOverCap, "server full");
  SocketAddress remote = remoteOf(socket);
  ClientSlot slot;
  switch (clientLimiter_.admit(remote, slot)) {
    case ClientLimiter::Verdict::kAdmit: break;
    case ClientLimiter::Verdict::kRateLimited: return refuse(counters_->refusedClientRate, "too many new connections");
    case ClientLimiter::Verdict::kTooManyOpen: return refuse(counters_->refusedClientOpen, "too many open connections");
    case ClientLimiter::Verdict::kTableFull: return refuse(counters_->refusedClientTable, "too many clients");
  }
  if (claimant_) return readFirstBytes(std::move(socket), endpoint.tls, std::move(remote), std::move(slot));
  serve(std::move(socket), endpoint.tls, std::move(remote), std::move(slot), {});
}

void HttpServer::readFirstBytes(tcp::socket socket, std::shared_ptr<TlsContext> tls, SocketAddress remote,
                                ClientSlot slot) {
  // The slot travels with the socket through the reads; shared so both outcomes can take it.
  auto held = std::make_shared<ClientSlot>(std::move(slot));
  const bool isTls = tls != nullptr;
  const int timeout = isTls ? limits_.tlsHandshakeTimeoutSeconds : limits_.headerTimeoutSeconds;
  auto reader = std::make_shared<FirstBytesReader>(
      std::move(socket), *claimant_, isTls, remote, timeout,
      [this, tls, remote, held, counters = counters_](tcp::socket s, std::vector<uint8_t> bytes, bool timedOut) {
        if (bytes.empty()) {
          if (timedOut) ++(tls ? counters->tlsHandshakeTimeouts : counters->headerTimeouts);
          beast::error_code ignored;
          s.close(ignored);
          return;
        }
        serve(std::move(s), tls, remote, std::move(*held), std::string(bytes.begin(), bytes.end()));
      },
      counters_);
  reader->read([this, isTls, remote, held](tcp::socket s, std::vector<uint8_t> bytes) {
    ++counters_->claimed;
    if (claimant_) claimant_->take(std::move(s), std::move(bytes), isTls, remote, std::move(*held));
  });
}

void HttpServer::serve(tcp::socket socket, const std::shared_ptr<TlsContext>& tls, SocketAddress remote,
                       ClientSlot slot, std::string firstBytes) {
  startHttpConnection(*this, std::move(socket), tls, std::move(remote), std::move(slot), std::move(firstBytes),
                      counters_);
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
