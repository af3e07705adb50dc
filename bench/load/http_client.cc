#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace rtcgate::load {

namespace beast = boost::beast;
namespace http = beast::http;

std::optional<HttpUrl> HttpUrl::parse(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  const size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  HttpUrl u;
  u.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  const size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    u.host = std::string(authority);
    u.port = "80";
  } else {
    u.host = std::string(authority.substr(0, colon));
    u.port = std::string(authority.substr(colon + 1));
  }
  if (u.host.empty() || u.port.empty()) return std::nullopt;
  return u;
}

HttpResponse httpRequest(std::string_view method, const std::string& url, std::string_view contentType,
                         const std::string& body, const std::string& token, int timeoutMs) {
  HttpResponse out;
  auto u = HttpUrl::parse(url);
  if (!u) {
    out.error = "not an http:// URL: " + url;
    return out;
  }
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  boost::asio::ip::tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(u->host, u->port, ec);
  if (ec) {
    out.error = "resolve " + u->host + ": " + ec.message();
    return out;
  }
  stream.expires_after(std::chrono::milliseconds(timeoutMs));
  stream.connect(endpoints, ec);
  if (ec) {
    out.error = "connect " + u->origin() + ": " + ec.message();
    return out;
  }
  http::request<http::string_body> req(http::string_to_verb(method), u->target, 11);
  req.set(http::field::host, u->host + ":" + u->port);
  req.set(http::field::user_agent, "rtcgate-load");
  if (!contentType.empty()) req.set(http::field::content_type, contentType);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req, ec);
  if (ec) {
    out.error = "send to " + u->origin() + ": " + ec.message();
    return out;
  }
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, ec);
  if (ec) {
    out.error = "read from " + u->origin() + ": " + ec.message();
    return out;
  }
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  if (auto it = res.find(http::field::location); it != res.end()) {
    const std::string loc(it->value());
    out.location = loc.starts_with("http://") ? loc : u->origin() + loc;
  }
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

}  // namespace rtcgate::load
