#pragma once
// StaticHandler: serves the demo page and its assets from a folder (GET only, no listing,
// no path escapes).

#include <string>

#include "net/http_server.h"

namespace rtcgate::api {

class StaticHandler final : public net::SyncHttpHandler {
 public:
  explicit StaticHandler(std::string root) : root_(std::move(root)) {}
  net::HttpResponse respond(const net::HttpRequest& request, std::string_view rest) override;

 private:
  std::string root_;
};

}  // namespace rtcgate::api
