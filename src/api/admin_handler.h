#pragma once
// AdminHandler: the operator's REST API — GET /api/streams, GET /api/sessions,
// DELETE /api/sessions/{id}.

#include "api/media_workers.h"
#include "api/session_registry.h"
#include "net/http_server.h"

namespace rtcgate::api {

class AdminHandler final : public net::HttpHandler {
 public:
  AdminHandler(SessionRegistry& registry, MediaWorkers& workers) : registry_(registry), workers_(workers) {}
  net::HttpResponse handle(const net::HttpRequest& request, std::string_view rest) override;

 private:
  SessionRegistry& registry_;
  MediaWorkers& workers_;
};

}  // namespace rtcgate::api
