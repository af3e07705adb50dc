#include "api/admin_handler.h"

#include <nlohmann/json.hpp>

#include "api/http_util.h"

namespace rtcgate::api {

namespace {

nlohmann::json toJson(const sfu::SessionInfo& s) {
  return {{"id", s.id},
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

nlohmann::json toJson(const EgressInfo& e) {
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

}  // namespace

net::HttpResponse AdminHandler::egress(const net::HttpRequest& req, const std::string& stream, std::string_view id) {
  if (!egress_) return errorResponse(req, http::status::not_found, "RTMP push is not available");
  const auto method = req.method();
  if (id.empty() && method == http::verb::post) {
    auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("url") || !body["url"].is_string())
      return errorResponse(req, http::status::bad_request, "body must be JSON {\"url\": \"rtmp://host/app/key\"}");
    EgressInfo info;
    if (auto refused = egress_->start(stream, body["url"].get<std::string>(), info))
      return errorResponse(req, static_cast<http::status>(refused->status), refused->reason);
    auto res = jsonResponse(req, http::status::created, toJson(info).dump());
    res.set(http::field::location, "/api/streams/" + stream + "/egress/" + info.id);
    return res;
  }
  if (method == http::verb::get) {
    auto out = nlohmann::json::array();
    for (const auto& e : egress_->list(stream)) {
      if (id.empty()) out.push_back(toJson(e));
      else if (e.id == id) return jsonResponse(req, http::status::ok, toJson(e).dump());
    }
    if (!id.empty()) return errorResponse(req, http::status::not_found, "no such push");
    return jsonResponse(req, http::status::ok, out.dump());
  }
  if (!id.empty() && method == http::verb::delete_) {
    if (!egress_->stop(stream, std::string(id))) return errorResponse(req, http::status::not_found, "no such push");
    return net::makeResponse(req, http::status::no_content, "", "text/plain");
  }
  return errorResponse(req, http::status::method_not_allowed, "use POST or GET on /egress, GET or DELETE on /egress/{id}");
}

net::HttpResponse AdminHandler::handle(const net::HttpRequest& req, std::string_view rest) {
  const auto method = req.method();
  if (rest.rfind("streams/", 0) == 0) {
    // streams/{stream}/egress[/{id}]; a stream name may itself hold one '/'.
    const std::string_view tail = rest.substr(8);
    for (auto at = tail.find("/egress"); at != std::string_view::npos; at = tail.find("/egress", at + 1)) {
      std::string_view after = tail.substr(at + 7);
      if (!after.empty() && after.front() != '/') continue;
      if (!after.empty()) after.remove_prefix(1);
      if (after.find('/') != std::string_view::npos) continue;
      return egress(req, std::string(tail.substr(0, at)), after);
    }
  }
  if (rest == "streams" && method == http::verb::get) {
    auto out = nlohmann::json::array();
    for (const auto& s : workers_.streams()) out.push_back(toJson(s));
    return jsonResponse(req, http::status::ok, out.dump());
  }
  if (rest == "sessions" && method == http::verb::get) {
    auto out = nlohmann::json::array();
    for (const auto& s : workers_.sessions()) out.push_back(toJson(s));
    return jsonResponse(req, http::status::ok, out.dump());
  }
  if (rest.rfind("sessions/", 0) == 0 && method == http::verb::delete_) {
    const std::string id(rest.substr(9));
    const SessionEntry* e = registry_.find(id);
    if (!e) return errorResponse(req, http::status::not_found, "no such session");
    const unsigned worker = e->worker;
    registry_.remove(id);
    workers_.closeSession(worker, id, "ended by the admin API");
    return jsonResponse(req, http::status::ok, nlohmann::json{{"id", id}, {"closed", true}}.dump());
  }
  return errorResponse(req, http::status::not_found, "no such admin resource");
}

}  // namespace rtcgate::api
