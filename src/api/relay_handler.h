#pragma once
// RelayHandler: what nodes of the cluster ask each other (docs/CLUSTER.md) —
// POST /api/cluster/relays (a relay of a stream held here, to the asking node) and
// DELETE /api/cluster/relays/{id}?node={asker}. Only nodes may ask: the bearer token is the
// cluster's secret (kept in Redis), compared in constant time.

#include "cluster/node_directory.h"
#include "edge/relay_manager.h"
#include "net/http_server.h"

namespace rtcgate::api {

class RelayHandler final : public net::HttpHandler {
 public:
  RelayHandler(cluster::NodeDirectory& cluster, edge::RelayManager& relays) : cluster_(cluster), relays_(relays) {}
  void handle(const net::HttpRequest& request, std::string_view rest, net::HttpReply reply) override;

 private:
  cluster::NodeDirectory& cluster_;
  edge::RelayManager& relays_;
};

}  // namespace rtcgate::api
