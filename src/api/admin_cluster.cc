// The admin API of a cluster (docs/CLUSTER.md): GET /api/cluster/nodes (every live node with
// its load), GET /api/cluster/streams (every stream's source node), POST /api/cluster/drain
// ({"draining": false} undoes it). Any node answers for the whole cluster.
#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>

#include "api/admin_handler.h"
#include "api/http_util.h"

namespace rtcgate::api {

namespace {

nlohmann::json toJson(const cluster::NodeInfo& n) {
  return {{"id", n.id},
          {"region", n.region},
          {"http_url", n.httpUrl},
          {"relay_host", n.relayHost},
          {"draining", n.draining},
          {"load",
           {{"score", cluster::loadScore(n.load)},
            {"cpu", n.load.cpu},
            {"sessions", n.load.sessions},
            {"max_sessions", n.load.maxSessions},
            {"egress_bps", n.load.egressBps},
            {"transcodes", n.load.transcodes},
            {"max_transcodes", n.load.maxTranscodes}}},
          {"streams", n.streams.size()},
          {"started_ms", n.startedMs},
          {"updated_ms", n.updatedMs}};
}

}  // namespace

void AdminHandler::clusterApi(const net::HttpRequest& req, std::string_view rest, const net::HttpReply& reply) {
  if (!cluster_) return reply(errorResponse(req, http::status::not_found, "this node is not in a cluster (cluster.redis)"));
  const auto method = req.method();
  const auto view = [&](nlohmann::json list) {
    return nlohmann::json{{"self", cluster_->self().id}, {"directory", cluster_->available() ? "up" : "unavailable"},
                          {"items", std::move(list)}};
  };
  if (rest == "nodes" && method == http::verb::get) {
    auto list = nlohmann::json::array();
    for (const auto& n : cluster_->nodes()) list.push_back(toJson(n));
    return reply(jsonResponse(req, http::status::ok, jsonText(view(std::move(list)))));
  }
  if (rest == "streams" && method == http::verb::get) {
    auto list = nlohmann::json::array();
    for (const auto& n : cluster_->nodes())
      for (const auto& s : n.streams)
        list.push_back({{"name", s.name}, {"node", n.id}, {"source", s.source}, {"players", s.players}});
    return reply(jsonResponse(req, http::status::ok, jsonText(view(std::move(list)))));
  }
  if (rest == "drain" && method == http::verb::post) {
    bool draining = true;
    if (!req.body().empty()) {
      const auto j = nlohmann::json::parse(req.body(), nullptr, false);
      if (j.is_discarded() || !j.is_object() || (j.contains("draining") && !j["draining"].is_boolean()))
        return reply(errorResponse(req, http::status::bad_request, "expected {\"draining\": true|false}"));
      draining = j.value("draining", true);
    }
    cluster_->setDraining(draining);
    cluster_->refreshNow();
    spdlog::info("cluster: node '{}' {}", cluster_->self().id,
                 draining ? "draining: no new sessions, its streams play on until they end" : "takes sessions again");
    return reply(jsonResponse(req, http::status::ok,
                              jsonText({{"node", cluster_->self().id}, {"draining", draining}})));
  }
  reply(errorResponse(req, http::status::not_found, "cluster resources: GET nodes, GET streams, POST drain"));
}

}  // namespace rtcgate::api
