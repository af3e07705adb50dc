#include "net/http_connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <optional>
#include <type_traits>

#include "net/tls_context.h"
#include "net/tls_stream.h"

namespace rtcgate::net {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

template <class Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  HttpConnection(Stream stream, HttpServer& server, std::shared_ptr<TlsContext> tls, SocketAddress remote,
                 ClientSlot slot, std::shared_ptr<HttpCounters> counters)
      : stream_(std::move(stream)),
        server_(server),
        limits_(server.limits()),
        tls_(std::move(tls)),
        remote_(std::move(remote)),
        slot_(std::move(slot)),
        counters_(std::move(counters)) {
    ++counters_->openConnections;
  }
  ~HttpConnection() { --counters_->openConnections; }

  void start(std::string firstBytes) {
    if constexpr (kTls) {
      tcp().expires_after(std::chrono::seconds(limits_.tlsHandshakeTimeoutSeconds));
      firstBytes_ = std::move(firstBytes);
      stream_.async_handshake(ssl::stream_base::server, boost::asio::buffer(firstBytes_),
                              [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                self->onHandshake(ec);
                              });
    } else {
      const auto n = boost::asio::buffer_copy(buffer_.prepare(firstBytes.size()), boost::asio::buffer(firstBytes));
      buffer_.commit(n);
      tcp().expires_after(std::chrono::seconds(limits_.headerTimeoutSeconds));
      awaitRequest(true);
    }
  }

 private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  void onHandshake(beast::error_code ec) {
    firstBytes_.clear();
    firstBytes_.shrink_to_fit();
    if (ec) {
      if (ec == beast::error::timeout) {
        ++counters_->tlsHandshakeTimeouts;
        spdlog::debug("https {}: TLS handshake not done in {} s, closed", remote_.toString(),
                      limits_.tlsHandshakeTimeoutSeconds);
      } else {
        ++counters_->tlsHandshakeFailures;
        spdlog::debug("https {}: TLS handshake failed: {}", remote_.toString(), ec.message());
      }
      return closeNow();
    }
    tcp().expires_after(std::chrono::seconds(limits_.headerTimeoutSeconds));
    awaitRequest(true);
  }

  // Waits for the first byte of a request: a new connection within the header deadline
  // already set, a kept-alive one within the idle timeout.
  void awaitRequest(bool fresh) {
    if (!fresh) tcp().expires_after(std::chrono::seconds(limits_.idleTimeoutSeconds));
    if (buffer_.size() > 0) return readHeader(fresh);
    stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this(), fresh](beast::error_code ec,
                                                                                            size_t n) {
      self->buffer_.commit(n);
      if (ec) {
        if (ec == beast::error::timeout && fresh) return self->headerTimedOut();
        return self->closeNow();  // idle keep-alive timeout, or the client closed
      }
      self->readHeader(fresh);
    });
  }

  void readHeader(bool fresh) {
    if (!fresh) tcp().expires_after(std::chrono::seconds(limits_.headerTimeoutSeconds));
    parser_.emplace();
    parser_->body_limit(limits_.maxBodyBytes);
    parser_->header_limit(static_cast<uint32_t>(limits_.maxHeaderBytes));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    if (ec == beast::error::timeout) return headerTimedOut();
    if (ec) return onReadError(ec);
    if (parser_->is_done()) return onRequest();
    tcp().expires_after(std::chrono::seconds(limits_.bodyTimeoutSeconds));
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec == beast::error::timeout) {
        ++self->counters_->bodyTimeouts;
        spdlog::info("http {}: request body not complete in {} s, closed", self->remote_.toString(),
                     self->limits_.bodyTimeoutSeconds);
        return self->closeNow();
      }
      if (ec) return self->onReadError(ec);
      self->onRequest();
    });
  }

  void headerTimedOut() {
    ++counters_->headerTimeouts;
    spdlog::info("http {}: request headers not complete in {} s, closed", remote_.toString(),
                 limits_.headerTimeoutSeconds);
    closeNow();
  }

  void onReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      ++counters_->bodyTooLarge;
      return answerAndClose(http::status::payload_too_large,
                            "request body larger than " + std::to_string(limits_.maxBodyBytes) + " bytes\n");
    }
    if (ec == http::error::header_limit) {
      ++counters_->headerTooLarge;
      return answerAndClose(http::status::request_header_fields_too_large,
                            "request headers larger than " + std::to_string(limits_.maxHeaderBytes) + " bytes\n");
    }
    if (ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::operation_aborted ||
        ec == ssl::error::stream_truncated) {
      return closeNow();
    }
    ++counters_->malformed;
    answerAndClose(http::status::bad_request, "malformed HTTP request: " + ec.message() + "\n");
  }

  // An error answer to a request that could not be read whole; the connection ends.
  void answerAndClose(http::status status, std::string reason) {
    HttpRequest head;
    if (parser_ && parser_->got_some()) head.version(parser_->get().version());
    if (head.version() == 0) head.version(11);
    write(makeResponse(head, status, std::move(reason)), false);
  }

  void onRequest() {
    tcp().expires_never();  // the handler may answer later (a worker's completion)
    HttpRequest req = parser_->release();
    parser_.reset();
    // A WebSocket upgrade takes the connection over (or is answered and closed there).
    if (beast::websocket::is_upgrade(req) && server_.upgrade(stream_, req, remote_, slot_)) return;
    // The next request is read only after this one is answered (no pipelining), so the
    // answer may come later, when a worker's completion arrives.
    server_.dispatch(req, HttpReply(
                              [self = this->shared_from_this()](HttpResponse res) {
                                const bool keep = res.keep_alive();
                                self->write(std::move(res), keep);
                              },
                              req.version(), req.keep_alive(), remote_));
  }

  void write(HttpResponse res, bool keepAlive) {
    auto shared = std::make_shared<HttpResponse>(std::move(res));
    shared->keep_alive(keepAlive);
    if constexpr (kTls) {
      if (limits_.hstsMaxAgeSeconds > 0)
        shared->set(http::field::strict_transport_security, "max-age=" + std::to_string(limits_.hstsMaxAgeSeconds));
    }
    tcp().expires_after(std::chrono::seconds(limits_.writeTimeoutSeconds));
    http::async_write(stream_, *shared,
                      [self = this->shared_from_this(), shared, keepAlive](beast::error_code ec, size_t) {
                        if (ec) return self->closeNow();
                        if (!keepAlive) return self->closeLingering();
                        self->awaitRequest(false);
                      });
  }

  // Ends the connection so that the client reads what was written: TLS close_notify, then
  // our FIN, then what the client still sends is read and dropped (bounded in bytes and
  // time) instead of being answered by a reset that would destroy the unread answer.
  void closeLingering() {
    if constexpr (kTls) {
      tcp().expires_after(std::chrono::seconds(std::min(2, limits_.lingerSeconds)));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->drain(); });
    } else {
      drain();
    }
  }

  void drain() {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp().expires_after(std::chrono::seconds(limits_.lingerSeconds));
    buffer_.clear();
    drainSome();
  }

  void drainSome() {
    tcp().async_read_some(buffer_.prepare(16 * 1024), [self = this->shared_from_this()](beast::error_code ec,
                                                                                        size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > self->limits_.lingerMaxBytes) return self->closeNow();
      self->drainSome();
    });
  }

  void closeNow() {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }

  Stream stream_;
  HttpServer& server_;
  const HttpLimits limits_;  // a copy: the connection may outlive the server at shutdown
  std::shared_ptr<TlsContext> tls_;  // keeps the context of the stream alive
  SocketAddress remote_;
  ClientSlot slot_;
  std::shared_ptr<HttpCounters> counters_;
  std::string firstBytes_;  // the start of the ClientHello, read before the handshake
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  size_t drained_ = 0;
};

}  // namespace

void startHttpConnection(HttpServer& server, tcp::socket socket, std::shared_ptr<TlsContext> tls, SocketAddress remote,
                         ClientSlot slot, std::string firstBytes, std::shared_ptr<HttpCounters> counters) {
  if (tls) {
    TlsStream stream(std::move(socket), tls->context());
    auto conn = std::make_shared<HttpConnection<TlsStream>>(std::move(stream), server, std::move(tls),
                                                             std::move(remote), std::move(slot), std::move(counters));
    conn->start(std::move(firstBytes));
  } else {
    auto conn = std::make_shared<HttpConnection<PlainStream>>(PlainStream(std::move(socket)), server, nullptr,
                                                               std::move(remote), std::move(slot), std::move(counters));
    conn->start(std::move(firstBytes));
  }
}

}  // namespace rtcgate::net
