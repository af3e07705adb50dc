#pragma once
// httpRequest: one HTTP/1.1 request from the control loop (Boost.Beast) — what a node asks
// another (relays); plain http:// only, one connection per request, bounded in time and in
// the size of the answer.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/event_loop.h"
#include "net/http_server.h"

namespace rtcgate::net {

struct HttpClientResult {
  bool ok = false;        // an answer arrived (any status)
  std::string error;      // why not
  unsigned status = 0;
  std::string body;
  std::string location;   // the Location header, when any
};

struct HttpClientRequest {
  HttpMethod method = HttpMethod::get;
  std::string url;  // http://host:port/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string contentType;
  int64_t timeoutUs = 3'000'000;
  size_t maxBodyBytes = 1 << 20;
};

// Sends `request`; `done` runs once on the loop with the answer or the error.
void httpRequest(EventLoop& loop, HttpClientRequest request, std::function<void(HttpClientResult)> done);

}  // namespace rtcgate::net
