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

namespace rtcgate::cluster {
namespace {

NodeInfo holding(const std::string& id, const std::string& region, const std::string& stream, const std::string& source,
                 const std::string& from = "") {
  NodeInfo n = node(id, region, 0.1);
  n.streams.push_back({stream, source, 1, from});
  return n;
}

TEST(RelaySource, TheSourcesNodeWhenItIsOfTheSameRegion) {
  const std::vector<NodeInfo> nodes{holding("a", "eu", "cam", "whip"), holding("b", "eu", "cam", "relay-in", "a"),
                                    node("c", "eu", 0)};
  EXPECT_EQ(chooseRelaySource(nodes, "c", "eu", "cam", "a")->id, "a");
}

TEST(RelaySource, ARegionTakesOneCopyFromAfarAndSharesIt) {
  std::vector<NodeInfo> nodes{holding("a", "eu", "cam", "whip"), node("b", "us", 0.0), node("c", "us", 0.0)};
  // Nobody in the region has it yet: from the source's node.
  EXPECT_EQ(chooseRelaySource(nodes, "c", "us", "cam", "a")->id, "a");
  // b has it one relay from a: c asks b.
  nodes[1] = holding("b", "us", "cam", "relay-in", "a");
  EXPECT_EQ(chooseRelaySource(nodes, "c", "us", "cam", "a")->id, "b");
  // A node that has it second-hand (from c) is never asked: trees stay two hops deep, no loops.
  nodes[1] = holding("b", "us", "cam", "relay-in", "c");
  EXPECT_EQ(chooseRelaySource(nodes, "c", "us", "cam", "a")->id, "a");
  // Draining nodes and this node itself are not asked.
  nodes[1] = holding("b", "us", "cam", "relay-in", "a");
  nodes[1].draining = true;
  EXPECT_EQ(chooseRelaySource(nodes, "c", "us", "cam", "a")->id, "a");
  nodes[1].draining = false;
  EXPECT_EQ(chooseRelaySource(nodes, "b", "us", "cam", "a")->id, "a");
}

TEST(RelaySource, AnUnknownSourceNodeIsNoAnswer) {
  const std::vector<NodeInfo> nodes{holding("b", "us", "cam", "relay-in", "a")};
  EXPECT_EQ(chooseRelaySource(nodes, "c", "us", "cam", "a"), nullptr);
}

}  // namespace
}  // namespace rtcgate::cluster
