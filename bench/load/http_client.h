#pragma once
// A small synchronous HTTP/1.1 client (Boost.Beast) for WHIP/WHEP signaling.

#include <optional>
#include <string>
#include <string_view>

namespace rtcgate::load {

// An http:// URL split for connecting.
struct HttpUrl {
  std::string host, port, target;
  static std::optional<HttpUrl> parse(std::string_view url);
  std::string origin() const { return "http://" + host + ":" + port; }
};

// What came back; `error` is set (and status 0) when no response arrived at all.
struct HttpResponse {
  int status = 0;
  std::string body;
  std::string location;  // absolute URL, resolved against the request URL
  std::string error;
};

// Sends one request on a fresh connection. `token` adds "Authorization: Bearer <token>".
HttpResponse httpRequest(std::string_view method, const std::string& url, std::string_view contentType,
                         const std::string& body, const std::string& token, int timeoutMs = 10'000);

}  // namespace rtcgate::load
