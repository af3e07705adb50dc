#include "api/relay_handler.h"

#include <spdlog/spdlog.h>

#include "api/http_util.h"
#include "base/constant_time.h"
#include "cluster/relay_messages.h"

namespace rtcgate::api {

void RelayHandler::handle(const net::HttpRequest& req, std::string_view rest, net::HttpReply reply) {
  const std::string& secret = cluster_.secret();
  if (secret.empty())
    return reply(errorResponse(req, http::status::service_unavailable, "the cluster directory (Redis) is unavailable"));
  if (!constantTimeEquals(bearerToken(req), secret))
    return reply(errorResponse(req, http::status::unauthorized, "relays are for the nodes of this cluster"));
  if (cluster_.draining() && req.method() == http::verb::post)
    return reply(errorResponse(req, http::status::service_unavailable, "this node is draining"));
  if (rest.empty() && req.method() == http::verb::post) {
    if (mediaType(req) != "application/json")
      return reply(errorResponse(req, http::status::unsupported_media_type, "a relay request is application/json"));
    std::string why;
    const auto request = cluster::parseRelayRequest(req.body(), &why);
    if (!request) return reply(errorResponse(req, http::status::bad_request, "bad relay request: " + why));
    return relays_.serve(*request, [head = net::requestHead(req), reply](unsigned status, std::string body) {
      if (status == 201) return reply(jsonResponse(head, http::status::created, std::move(body)));
      reply(errorResponse(head, static_cast<http::status>(status), body));
    });
  }
  if (!rest.empty() && rest.front() == '/' && req.method() == http::verb::delete_) {
    const std::string id(rest.substr(1));
    if (!relays_.release(id, queryParam(req, "node")))
      return reply(errorResponse(req, http::status::not_found, "no such relay of that node"));
    return reply(jsonResponse(req, http::status::ok, "{\"released\":true}"));
  }
  reply(errorResponse(req, http::status::method_not_allowed, "POST a relay request, or DELETE a relay"));
}

}  // namespace rtcgate::api
