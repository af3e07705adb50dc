#include "cluster/placement.h"

#include <algorithm>

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

const NodeInfo* chooseRelaySource(const std::vector<NodeInfo>& nodes, std::string_view selfId, std::string_view region,
                                  std::string_view stream, std::string_view origin) {
  const NodeInfo* source = nullptr;
  for (const auto& n : nodes)
    if (n.id == origin) source = &n;
  if (!source || source->region == region) return source;
  const NodeInfo* best = nullptr;
  for (const auto& n : nodes) {
    if (n.id == selfId || n.id == origin || n.region != region || n.draining) continue;
    const bool firstHand = std::any_of(n.streams.begin(), n.streams.end(), [&](const NodeStream& s) {
      return s.name == stream && s.source == "relay-in" && s.from == origin;
    });
    if (firstHand && (!best || lessLoaded(n, *best))) best = &n;
  }
  return best ? best : source;
}

}  // namespace rtcgate::cluster
