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

}  // namespace rtcgate::cluster
