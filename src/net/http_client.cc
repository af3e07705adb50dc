#include "net/http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>

namespace rtcgate::net {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct Target {
  std::string host, port, path;
};

bool splitUrl(const std::string& url, Target& t) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return false;
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return false;
    t.host = authority.substr(1, close - 1);
    t.port = close + 2 <= authority.size() ? authority.substr(close + 2) : "80";
  } else {
    const auto colon = authority.rfind(':');
    t.host = authority.substr(0, colon);
    t.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  }
  return !t.host.empty() && !t.port.empty();
}

// One request in flight: resolve, connect, write, read, each under the one deadline.
struct Exchange : std::enable_shared_from_this<Exchange> {
  Exchange(EventLoop& loop, std::function<void(HttpClientResult)> d)
      : resolver(loop.context()), stream(loop.context()), done(std::move(d)) {}

  tcp::resolver resolver;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  http::response_parser<http::string_body> parser;
  std::function<void(HttpClientResult)> done;
  std::chrono::microseconds timeout{};

  void fail(const std::string& why) {
    if (!done) return;
    HttpClientResult r;
    r.error = why;
    auto d = std::move(done);
    done = nullptr;
    beast::error_code ignored;
    stream.socket().close(ignored);
    d(std::move(r));
  }

  void start(const Target& t) {
    stream.expires_after(timeout);
    resolver.async_resolve(t.host, t.port, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
      if (ec) return self->fail("cannot resolve: " + ec.message());
      self->stream.async_connect(r, [self](beast::error_code ec, const tcp::endpoint&) {
        if (ec) return self->fail("cannot connect: " + ec.message());
        http::async_write(self->stream, self->req, [self](beast::error_code ec, size_t) {
          if (ec) return self->fail("cannot send: " + ec.message());
          http::async_read(self->stream, self->buffer, self->parser, [self](beast::error_code ec, size_t) {
            if (ec) return self->fail("no answer: " + ec.message());
            HttpClientResult r;
            r.ok = true;
            const auto& res = self->parser.get();
            r.status = res.result_int();
            r.body = res.body();
            if (auto it = res.find(http::field::location); it != res.end()) r.location = std::string(it->value());
            beast::error_code ignored;
            self->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
            auto d = std::move(self->done);
            self->done = nullptr;
            if (d) d(std::move(r));
          });
        });
      });
    });
  }
};

}  // namespace

void httpRequest(EventLoop& loop, HttpClientRequest request, std::function<void(HttpClientResult)> done) {
  Target t;
  if (!splitUrl(request.url, t)) {
    HttpClientResult r;
    r.error = "not an http:// URL: " + request.url;
    return loop.post([done = std::move(done), r] { done(r); });
  }
  auto x = std::make_shared<Exchange>(loop, std::move(done));
  x->timeout = std::chrono::microseconds(request.timeoutUs);
  x->req.method(request.method);
  x->req.target(t.path);
  x->req.version(11);
  x->req.set(http::field::host, t.host + ":" + t.port);
  x->req.set(http::field::user_agent, "rtcgate");
  x->req.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) x->req.set(name, value);
  if (!request.body.empty() || request.method == HttpMethod::post) {
    if (!request.contentType.empty()) x->req.set(http::field::content_type, request.contentType);
    x->req.body() = std::move(request.body);
    x->req.prepare_payload();
  }
  x->parser.body_limit(request.maxBodyBytes);
  x->parser.header_limit(16 * 1024);
  x->start(t);
}

}  // namespace rtcgate::net
