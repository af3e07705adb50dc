#include "app/config_cluster.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "app/config_toml.h"
#include "cluster/node_info.h"
#include "net/redis_client.h"

namespace rtcgate::app {

void loadClusterConfig(const toml::table& cluster, const std::string& path, ClusterConfig& config) {
  static const std::vector<std::string_view> kKnown = {"redis", "node_id", "region", "http_url", "relay_host"};
  for (const auto& [key, node] : cluster) {
    if (std::find(kKnown.begin(), kKnown.end(), key.str()) == kKnown.end())
      throw std::runtime_error("config " + path + ": unknown key 'cluster." + std::string(key.str()) + "'");
  }
  take(cluster, "redis", config.redis);
  take(cluster, "node_id", config.nodeId);
  take(cluster, "region", config.region);
  take(cluster, "http_url", config.httpUrl);
  take(cluster, "relay_host", config.relayHost);
}

void checkClusterConfig(const ClusterConfig& config) {
  if (!config.enabled()) return;
  std::string why;
  if (!net::parseRedisUrl(config.redis, &why).ok()) throw std::runtime_error("cluster.redis: " + why);
  if (!config.nodeId.empty() && !cluster::validNodeName(config.nodeId))
    throw std::runtime_error("cluster.node_id must be 1-64 of [A-Za-z0-9_.-]");
  if (!cluster::validNodeName(config.region)) throw std::runtime_error("cluster.region must be 1-64 of [A-Za-z0-9_.-]");
  if (!config.httpUrl.empty() && config.httpUrl.rfind("http://", 0) != 0 && config.httpUrl.rfind("https://", 0) != 0)
    throw std::runtime_error("cluster.http_url must start with http:// or https://");
}

}  // namespace rtcgate::app
