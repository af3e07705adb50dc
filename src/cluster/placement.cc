#include "cluster/placement.h"

namespace rtcgate::cluster {

namespace {

// Less loaded first; ties by fewer sessions, then by id, so every node picks the same one.
bool lessLoaded(const NodeInfo& a, const NodeInfo& b) {
  const double sa = loadScore(a.load), sb = loadScore(b.load);
  if (sa != sb) return sa < sb;
  if (a.load.sessions != b.load.sessions) return a.load.sessions < b.load.sessions;
  return a.id < b.id;
}

const NodeInfo* chooseAmong(const std::vector<NodeInfo>& nodes, std::string_view selfId, bool anyRegion,
                            std::string_view region, PlacementOptions options) {
  const NodeInfo* best = nullptr;
  const NodeInfo* self = nullptr;
  for (const auto& n : nodes) {
    if (n.draining || (!anyRegion && n.region != region)) continue;
    if (n.id == selfId) self = &n;
    if (!best || lessLoaded(n, *best)) best = &n;
  }
  if (self && loadScore(self->load) <= loadScore(best->load) + options.keepSelfMargin) return self;
  return best;
}

}  // namespace

const NodeInfo* chooseNode(const std::vector<NodeInfo>& nodes, std::string_view selfId, std::string_view region,
                           PlacementOptions options) {
  if (const NodeInfo* n = chooseAmong(nodes, selfId, false, region, options)) return n;
  return chooseAmong(nodes, selfId, true, region, options);
}

}  // namespace rtcgate::cluster
