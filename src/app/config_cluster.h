#pragma once
// The [cluster] table of the config (docs/CLUSTER.md): a node joins a cluster when `redis` is set.

#include <string>
#include <toml++/toml.h>

namespace rtcgate::app {

struct ClusterConfig {
  std::string redis;      // "redis://host:port"; "" = a single node, no cluster
  std::string nodeId;     // "" = the host name
  std::string region = "default";
  std::string httpUrl;    // where clients and nodes reach this node's HTTP; "" = from http_listen
  std::string relayHost;  // IP other nodes send relayed media to; "" = advertised_ips[0] or udp_listen_ip
  bool enabled() const { return !redis.empty(); }
};

// Reads [cluster]; throws std::runtime_error on an unknown key or a bad value.
void loadClusterConfig(const toml::table& cluster, const std::string& path, ClusterConfig& config);
// Throws std::runtime_error when the settings cannot work (a bad URL, node id or region).
void checkClusterConfig(const ClusterConfig& config);

}  // namespace rtcgate::app
