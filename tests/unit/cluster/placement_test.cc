#include "cluster/placement.h"

#include <gtest/gtest.h>

namespace rtcgate::cluster {
namespace {

NodeInfo node(const std::string& id, const std::string& region, double cpu, bool draining = false) {
  NodeInfo n;
  n.id = id;
  n.region = region;
  n.httpUrl = "http://" + id;
  n.load.cpu = cpu;
  n.draining = draining;
  return n;
}

TEST(Placement, TheLeastLoadedNodeOfTheRegionTakesIt) {
  const std::vector<NodeInfo> nodes{node("a", "eu", 0.6), node("b", "eu", 0.2), node("c", "us", 0.0)};
  EXPECT_EQ(chooseNode(nodes, "a", "eu")->id, "b");
  EXPECT_EQ(chooseNode(nodes, "a", "us")->id, "c");
  EXPECT_EQ(chooseNode(nodes, "c", "eu")->id, "b");
}

TEST(Placement, TheEntryNodeServesWhileWithinTheMargin) {
  const std::vector<NodeInfo> nodes{node("a", "eu", 0.25), node("b", "eu", 0.2)};
  EXPECT_EQ(chooseNode(nodes, "a", "eu")->id, "a");
  EXPECT_EQ(chooseNode(nodes, "a", "eu", {.keepSelfMargin = 0.0})->id, "b");
  // Equal nodes: each keeps its own clients.
  const std::vector<NodeInfo> idle{node("a", "eu", 0), node("b", "eu", 0), node("c", "eu", 0)};
  EXPECT_EQ(chooseNode(idle, "c", "eu")->id, "c");
  // Not the entry node: every node picks the same one (ties by sessions, then id).
  EXPECT_EQ(chooseNode(idle, "x", "eu")->id, "a");
}

TEST(Placement, DrainingNodesTakeNothing) {
  const std::vector<NodeInfo> nodes{node("a", "eu", 0.0, true), node("b", "eu", 0.9)};
  EXPECT_EQ(chooseNode(nodes, "a", "eu")->id, "b");
  const std::vector<NodeInfo> allDraining{node("a", "eu", 0.0, true)};
  EXPECT_EQ(chooseNode(allDraining, "a", "eu"), nullptr);
  EXPECT_EQ(chooseNode({}, "a", "eu"), nullptr);
}

TEST(Placement, ARegionWithNoNodeThatCanTakeItFallsBackToAnyRegion) {
  const std::vector<NodeInfo> nodes{node("a", "eu", 0.3, true), node("b", "us", 0.5), node("c", "ap", 0.1)};
  EXPECT_EQ(chooseNode(nodes, "a", "eu")->id, "c");
  EXPECT_EQ(chooseNode(nodes, "a", "mars")->id, "c");
}

}  // namespace
}  // namespace rtcgate::cluster
