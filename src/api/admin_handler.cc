#include "api/admin_handler.h"

#include <nlohmann/json.hpp>

#include "api/access_response.h"
#include "api/http_util.h"

namespace rtcgate::api {

namespace {

nlohmann::json toJson(const sfu::SessionInfo& s) {
  nlohmann::json j = {{"id", s.id},
          {"kind", sfu::sessionKindName(s.kind)},
          {"stream", s.stream},
          {"state", s.state},
          {"reason", s.reason},
          {"worker", s.worker},
          {"createdMs", s.createdMs},
          {"layer", s.layer},
          {"packetsIn", s.packetsIn},
          {"packetsOut", s.packetsOut},
          {"bytesIn", s.bytesIn},
          {"bytesOut", s.bytesOut}};
  if (!s.peerNode.empty()) j["peerNode"] = s.peerNode;  // relays: the node at the other end
  return j;
}

nlohmann::json toJson(const sfu::StreamInfo& s) {
  auto tracks = nlohmann::json::array();
  for (const auto& t : s.tracks) {
    nlohmann::json j{{"kind", t.kind}, {"codec", t.codec}, {"bitrateBps", t.bitrateBps}};
    if (!t.layers.empty()) j["layers"] = t.layers;
    tracks.push_back(std::move(j));
  }
  return {{"name", s.name}, {"publisher", s.publisher}, {"tracks", tracks}, {"subscribers", s.subscribers},
          {"frameSinks", s.frameSinks}, {"renditions", s.renditions}, {"worker", s.worker}};
}

nlohmann::json toJson(const edge::EgressInfo& e) {
  return {{"id", e.id},
          {"stream", e.stream},
          {"state", e.state},
          {"url", e.url},
          {"bytes_sent", e.bytesSent},
          {"frames_sent", e.framesSent},
          {"frames_dropped", e.framesDropped},
          {"connects", e.connects},
          {"last_error", e.lastError},
          {"retry_in_ms", e.retryInMs},
          {"publishing_since_ms", e.publishingSinceMs},
          {"created_ms", e.createdMs}};
}

// streams/{stream}/{what}[/{id}] (what: "egress", "recordings") → stream and id (empty for
// the list); a stream name may itself hold one '/'.
std::optional<std::pair<std::string, std::string_view>> streamSubPath(std::string_view rest, std::string_view what) {
  if (rest.rfind("streams/", 0) != 0) return std::nullopt;
  const std::string_view tail = rest.substr(8);
  const std::string marker = "/" + std::string(what);
  for (auto at = tail.find(marker); at != std::string_view::npos; at = tail.find(marker, at + 1)) {
    std::string_view after = tail.substr(at + marker.size());
    if (!after.empty() && after.front() != '/') continue;
    if (!after.empty()) after.remove_prefix(1);
    if (after.find('/') != std::string_view::npos) continue;
    return std::pair{std::string(tail.substr(0, at)), after};
  }
  return std::nullopt;
}

}  // namespace

void AdminHandler::egress(const net::HttpRequest& req, const std::string& stream, std::string_view id,
                          const net::HttpReply& reply) {
  if (!egress_) return reply(errorResponse(req, http::status::not_found, "RTMP push is not available"));
  const auto method = req.method();
  if (id.empty() && method == http::verb::post) {
    auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("url") || !body["url"].is_string())
      return reply(
          errorResponse(req, http::status::bad_request, "body must be JSON {\"url\": \"rtmp://host/app/key\"}"));
    egress_->start(stream, body["url"].get<std::string>(),
                   [head = net::requestHead(req), stream, reply](std::optional<edge::EgressRefusal> refused, edge::EgressInfo info) {
                     if (refused)
                       return reply(errorResponse(head, static_cast<http::status>(refused->status), refused->reason));
                     auto res = jsonResponse(head, http::status::created, jsonText(toJson(info)));
                     res.set(http::field::location, "/api/streams/" + stream + "/egress/" + info.id);
                     reply(std::move(res));
                   });
    return;
  }
  if (method == http::verb::get) {
    auto out = nlohmann::json::array();
    for (const auto& e : egress_->list(stream)) {
      if (id.empty()) out.push_back(toJson(e));
      else if (e.id == id) return reply(jsonResponse(req, http::status::ok, jsonText(toJson(e))));
    }
    if (!id.empty()) return reply(errorResponse(req, http::status::not_found, "no such push"));
    return reply(jsonResponse(req, http::status::ok, jsonText(out)));
  }
  if (!id.empty() && method == http::verb::delete_) {
    if (!egress_->stop(stream, std::string(id)))
      return reply(errorResponse(req, http::status::not_found, "no such push"));
    return reply(net::makeResponse(req, http::status::no_content, "", "text/plain"));
  }
  reply(errorResponse(req, http::status::method_not_allowed,
                      "use POST or GET on /egress, GET or DELETE on /egress/{id}"));
}

void AdminHandler::rooms(const net::HttpRequest& req, std::string_view rest, const net::HttpReply& reply) {
  if (!rooms_) return reply(errorResponse(req, http::status::not_found, "rooms are not available"));
  const auto method = req.method();
  if (rest.empty()) {
    if (method != http::verb::get) return reply(errorResponse(req, http::status::method_not_allowed, "GET /api/rooms"));
    return reply(jsonResponse(req, http::status::ok, jsonText(rooms_->listRooms())));
  }
  const auto slash = rest.find('/');
  const std::string room(rest.substr(0, slash));
  if (slash == std::string_view::npos) {
    if (method == http::verb::delete_) {
      if (!rooms_->endRoom(room)) return reply(errorResponse(req, http::status::not_found, "no such room"));
      return reply(jsonResponse(req, http::status::ok, jsonText({{"room", room}, {"ended", true}})));
    }
    if (method != http::verb::get)
      return reply(errorResponse(req, http::status::method_not_allowed, "GET or DELETE /api/rooms/{room}"));
    auto described = rooms_->describeRoom(room);
    if (!described) return reply(errorResponse(req, http::status::not_found, "no such room"));
    // Each participant's sessions with their live figures from the workers.
    return workers_.sessions([head = net::requestHead(req), reply, d = std::move(*described)](
                                 std::vector<sfu::SessionInfo> sessions) mutable {
      for (auto& p : d["participants"]) {
        auto full = nlohmann::json::array();
        for (const auto& id : p["sessions"])
          for (const auto& s : sessions)
            if (s.id == id) full.push_back(toJson(s));
        p["sessions"] = std::move(full);
      }
      reply(jsonResponse(head, http::status::ok, jsonText(d)));
    });
  }
  const std::string_view tail = rest.substr(slash + 1);
  if (tail.rfind("participants/", 0) == 0 && method == http::verb::delete_) {
    const std::string name(tail.substr(13));
    if (!rooms_->kick(room, name)) return reply(errorResponse(req, http::status::not_found, "no such participant"));
    return reply(jsonResponse(req, http::status::ok,
                              jsonText({{"room", room}, {"participant", name}, {"kicked", true}})));
  }
  reply(errorResponse(req, http::status::not_found, "no such room resource"));
}

void AdminHandler::handle(const net::HttpRequest& req, std::string_view rest, net::HttpReply reply) {
  if (relays_ && (rest == "cluster/relays" || rest.rfind("cluster/relays/", 0) == 0))
    return relays_->handle(req, rest.substr(14), std::move(reply));
  // The admin API is for operators and their tools, never for other sites' pages: no CORS
  // headers (a browser shows no answer to another origin), and a request a page of another
  // origin made a browser send is refused before it acts (a simple cross-origin POST needs
  // no preflight). A body must say it is JSON, so a form or text/plain POST is no request.
  if (crossOrigin(req))
    return reply(errorResponse(req, http::status::forbidden, "the admin API does not answer other origins"));
  const auto method = req.method();
  if (method == http::verb::options) return reply(errorResponse(req, http::status::method_not_allowed, "no CORS here"));
  if (!req.body().empty() && mediaType(req) != "application/json")
    return reply(errorResponse(req, http::status::unsupported_media_type, "the admin API takes application/json"));
  // Pushes need the egress grant for their stream (or admin); everything else admin.
  if (const auto push = streamSubPath(rest, "egress")) {
    if (access_) {
      if (const auto decision = access_->egress(push->first, bearerToken(req)); !decision.allowed())
        return reply(accessRefused(req, decision));
    }
    return egress(req, push->first, push->second, reply);
  }
  if (access_) {
    if (const auto decision = access_->admin(bearerToken(req)); !decision.allowed())
      return reply(accessRefused(req, decision));
  }
  if (rest.rfind("cluster/", 0) == 0) return clusterApi(req, rest.substr(8), reply);
  if (rest == "rooms" || rest.rfind("rooms/", 0) == 0) return rooms(req, rest.substr(rest.size() > 5 ? 6 : 5), reply);
  if (rest == "mixes" || rest.rfind("mixes/", 0) == 0) return mixes(req, rest.substr(rest.size() > 5 ? 6 : 5), reply);
  if (const auto rec = streamSubPath(rest, "recordings")) return recordings(req, rec->first, rec->second, reply);
  if (rest == "recordings" && method == http::verb::get) return recordings(req, "", "", reply);
  if (rest == "streams" && method == http::verb::get) {
    return workers_.streams([head = net::requestHead(req), reply](std::vector<sfu::StreamInfo> streams) {
      auto out = nlohmann::json::array();
      for (const auto& s : streams) out.push_back(toJson(s));
      reply(jsonResponse(head, http::status::ok, jsonText(out)));
    });
  }
  if (rest == "sessions" && method == http::verb::get) {
    return workers_.sessions([head = net::requestHead(req), reply](std::vector<sfu::SessionInfo> sessions) {
      auto out = nlohmann::json::array();
      for (const auto& s : sessions) out.push_back(toJson(s));
      reply(jsonResponse(head, http::status::ok, jsonText(out)));
    });
  }
  if (rest.rfind("sessions/", 0) == 0 && method == http::verb::delete_) {
    const std::string id(rest.substr(9));
    const cluster::SessionEntry* e = registry_.find(id);
    if (!e) return reply(errorResponse(req, http::status::not_found, "no such session"));
    const unsigned worker = e->worker;
    registry_.remove(id);
    workers_.closeSession(worker, id, "ended by the admin API");
    return reply(jsonResponse(req, http::status::ok, jsonText({{"id", id}, {"closed", true}})));
  }
  reply(errorResponse(req, http::status::not_found, "no such admin resource"));
}

}  // namespace rtcgate::api
