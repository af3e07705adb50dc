#pragma once
// HealthHandler: GET /healthz, for load balancers and `make run` smoke checks.

#include "net/http_server.h"

namespace rtcgate::api {

class HealthHandler final : public net::HttpHandler {
 public:
  net::HttpResponse handle(const net::HttpRequest& request, std::string_view rest) override;
};

}  // namespace rtcgate::api
