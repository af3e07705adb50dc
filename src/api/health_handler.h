#pragma once
// HealthHandler: GET /healthz, for load balancers and `make run` smoke checks.

#include "net/http_server.h"

namespace rtcgate::api {

class HealthHandler final : public net::SyncHttpHandler {
 public:
  net::HttpResponse respond(const net::HttpRequest& request, std::string_view rest) override;
};

}  // namespace rtcgate::api
