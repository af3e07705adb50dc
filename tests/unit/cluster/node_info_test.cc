#include "cluster/node_info.h"

#include <gtest/gtest.h>

namespace rtcgate::cluster {
namespace {

NodeInfo sample() {
  NodeInfo n;
  n.id = "n1";
  n.region = "eu-west";
  n.httpUrl = "http://10.0.0.1:8080";
  n.relayHost = "10.0.0.1";
  n.load = {0.5, 10, 100, 8'000'000, 2, 16};
  n.draining = true;
  n.startedMs = 1'700'000'000'000;
  n.updatedMs = 1'700'000'001'000;
  n.streams = {{"cam", "whip", 3}, {"live/obs", "rtmp-publish", 0}};
  return n;
}

TEST(NodeInfo, RoundTripsThroughJson) {
  const NodeInfo n = sample();
  const auto back = parseNodeInfo(nodeInfoToJson(n));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, n.id);
  EXPECT_EQ(back->region, n.region);
  EXPECT_EQ(back->httpUrl, n.httpUrl);
  EXPECT_EQ(back->relayHost, n.relayHost);
  EXPECT_DOUBLE_EQ(back->load.cpu, 0.5);
  EXPECT_EQ(back->load.sessions, 10u);
  EXPECT_EQ(back->load.egressBps, 8'000'000u);
  EXPECT_TRUE(back->draining);
  EXPECT_EQ(back->startedMs, n.startedMs);
  ASSERT_EQ(back->streams.size(), 2u);
  EXPECT_EQ(back->streams[1].name, "live/obs");
  EXPECT_EQ(back->streams[1].source, "rtmp-publish");
  EXPECT_EQ(back->streams[0].players, 3u);
}

TEST(NodeInfo, RefusesRecordsThatAreNotOne) {
  const char* bad[] = {
      "", "[]", "{", "{\"id\":\"n1\"}",
      R"({"id":"n 1","region":"eu","http_url":"http://x"})",
      R"({"id":"n1","region":"","http_url":"http://x"})",
      R"x({"id":"n1","region":"eu","http_url":"javascript:alert(1)"})x",
      R"({"id":"n1","region":"eu","http_url":"http://x\"y"})",
      R"({"id":1,"region":"eu","http_url":"http://x"})",
      R"({"id":"n1","region":"eu","http_url":"http://x","load":{"sessions":-4}})",
      R"({"id":"n1","region":"eu","http_url":"http://x","load":{"cpu":"high"}})",
      R"({"id":"n1","region":"eu","http_url":"http://x","load":[]})",
      R"({"id":"n1","region":"eu","http_url":"http://x","draining":"yes"})",
      R"({"id":"n1","region":"eu","http_url":"http://x","streams":{}})",
      R"({"id":"n1","region":"eu","http_url":"http://x","streams":[{"name":"../etc"}]})",
      R"({"id":"n1","region":"eu","http_url":"http://x","streams":[{"name":"a","players":"many"}]})",
  };
  for (const char* text : bad) {
    std::string why;
    EXPECT_FALSE(parseNodeInfo(text, &why).has_value()) << text;
    EXPECT_NE(why, "") << text;
  }
}

TEST(NodeInfo, LoadScoreIsTheBusiestResource) {
  EXPECT_DOUBLE_EQ(loadScore({}), 0.0);
  EXPECT_DOUBLE_EQ(loadScore({0.2, 50, 100, 0, 0, 16}), 0.5);
  EXPECT_DOUBLE_EQ(loadScore({0.7, 50, 100, 0, 4, 16}), 0.7);
  EXPECT_DOUBLE_EQ(loadScore({0.1, 0, 100, 0, 16, 16}), 1.0);
  EXPECT_DOUBLE_EQ(loadScore({3.0, 0, 0, 0, 0, 0}), 1.0);  // clamped
}

TEST(NodeInfo, NodeNames) {
  EXPECT_TRUE(validNodeName("n1"));
  EXPECT_TRUE(validNodeName("eu-west.1_a"));
  EXPECT_FALSE(validNodeName(""));
  EXPECT_FALSE(validNodeName("a b"));
  EXPECT_FALSE(validNodeName("a/b"));
  EXPECT_FALSE(validNodeName(std::string(65, 'a')));
}

}  // namespace
}  // namespace rtcgate::cluster
