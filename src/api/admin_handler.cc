#include "api/admin_handler.h"

#include <nlohmann/json.hpp>

#include "api/http_util.h"

namespace rtcgate::api {

namespace {

nlohmann::json toJson(const sfu::SessionInfo& s) {
  return {{"id", s.id},
          {"kind", s.kind == sfu::SessionKind::kPublisher ? "whip" : "whep"},
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
          {"worker", s.worker}};
}

}  // namespace

net::HttpResponse AdminHandler::handle(const net::HttpRequest& req, std::string_view rest) {
  const auto method = req.method();
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
