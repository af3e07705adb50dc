#include "api/health_handler.h"

namespace rtcgate::api {

net::HttpResponse HealthHandler::respond(const net::HttpRequest& request, std::string_view rest) {
  namespace http = boost::beast::http;
  if (!rest.empty()) return net::makeResponse(request, http::status::not_found, "no such resource\n");
  return net::makeResponse(request, http::status::ok, "{\"status\":\"ok\"}\n", "application/json");
}

}  // namespace rtcgate::api
