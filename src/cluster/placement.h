#pragma once
// Placement: which node of the cluster takes a new session — the least loaded node of the
// client's region that is not draining, with the entry node kept while it is within a margin
// of that (so equal nodes do not bounce clients between them on noise).

#include <string_view>
#include <vector>

#include "cluster/node_info.h"

namespace rtcgate::cluster {

struct PlacementOptions {
  double keepSelfMargin = 0.1;  // load score the entry node may exceed the best by and still serve
};

// The chosen node among `nodes` (live ones, the entry node `selfId` among them when it is
// registered): of `region` when any there can take it, else of any region. Null when every
// node is draining or none is known.
const NodeInfo* chooseNode(const std::vector<NodeInfo>& nodes, std::string_view selfId, std::string_view region,
                           PlacementOptions options = {});

// The node a relay of `stream` is asked of, for node `selfId` of `region`, when the stream's
// source is on node `origin`: the origin when it is of the same region; else a node of the
// region that holds the stream one relay from the origin (its record says so), the least
// loaded such, so a region takes one copy from afar and shares it (A → B → C); else the
// origin. Trees stay two hops deep, so relays never loop. Null when the origin is not known.
const NodeInfo* chooseRelaySource(const std::vector<NodeInfo>& nodes, std::string_view selfId, std::string_view region,
                                  std::string_view stream, std::string_view origin);

}  // namespace rtcgate::cluster
