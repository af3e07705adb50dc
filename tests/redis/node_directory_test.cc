#include "cluster/node_directory.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "redis/loop_helper.h"
#include "support/redis_server.h"

namespace rtcgate::cluster {
namespace {

using test::eventually;
using test::onLoop;

class FakeReporter final : public NodeReporter {
 public:
  NodeLoad nodeLoad() override { return load; }
  std::vector<NodeStream> nodeStreams() override { return streams; }
  void onStreamClaimedElsewhere(const std::string& stream, const std::string& owner) override {
    lost.emplace_back(stream, owner);
  }
  NodeLoad load;
  std::vector<NodeStream> streams;
  std::vector<std::pair<std::string, std::string>> lost;
};

NodeInfo nodeNamed(const std::string& id, const std::string& region = "eu") {
  NodeInfo n;
  n.id = id;
  n.region = region;
  n.httpUrl = "http://127.0.0.1:80" + std::to_string(id.size());
  n.relayHost = "127.0.0.1";
  return n;
}

class NodeDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis.start());
    loop.start();
  }
  void TearDown() override {
    onLoop(loop, [&] { nodes.clear(); });
    loop.stop();
  }
  NodeDirectory& add(const std::string& id, FakeReporter& reporter) {
    return *onLoop(loop, [&] {
      auto endpoint = net::parseRedisUrl(redis.url());
      nodes.push_back(std::make_unique<NodeDirectory>(loop, *endpoint, nodeNamed(id), reporter,
                                                      NodeDirectoryOptions{"t:", 200'000, 1000}));
      nodes.back()->start();
      return nodes.back().get();
    });
  }
  StreamOwner ask(bool claim, NodeDirectory& d, const std::string& stream) {
    std::optional<StreamOwner> out;
    onLoop(loop, [&] {
      auto done = [&](StreamOwner o) { out = o; };
      claim ? d.claimStream(stream, done) : d.locateStream(stream, done);
    });
    EXPECT_TRUE(eventually(loop, [&] { return out.has_value(); }));
    return out.value_or(StreamOwner{});
  }
  size_t nodeCount(NodeDirectory& d) { return onLoop(loop, [&] { return d.nodes().size(); }); }

  test::RedisServer redis;
  net::EventLoop loop{"cluster-test"};
  std::vector<std::unique_ptr<NodeDirectory>> nodes;
};

TEST_F(NodeDirectoryTest, NodesSeeEachOtherAndADeadNodeDropsOutAfterItsTtl) {
  FakeReporter ra, rb;
  ra.load.sessions = 3;
  rb.streams = {{"cam", "whip", 2}};
  NodeDirectory& a = add("a", ra);
  NodeDirectory& b = add("b", rb);
  ASSERT_TRUE(eventually(loop, [&] { return a.nodes().size() == 2 && b.nodes().size() == 2; }));
  const NodeInfo seen = onLoop(loop, [&] { return *a.node("b"); });
  EXPECT_EQ(seen.httpUrl, "http://127.0.0.1:801");
  ASSERT_EQ(seen.streams.size(), 1u);
  EXPECT_EQ(seen.streams[0].name, "cam");
  EXPECT_EQ(onLoop(loop, [&] { return b.node("a")->load.sessions; }), 3u);
  EXPECT_TRUE(onLoop(loop, [&] { return a.available(); }));

  onLoop(loop, [&] { b.stop(); });  // as if killed: its record is no longer refreshed
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually(loop, [&] { return a.nodes().size() == 1; }, std::chrono::seconds(5)));
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, std::chrono::milliseconds(2000));  // TTL 1 s + a refresh
}

TEST_F(NodeDirectoryTest, AStreamIsClaimedByOneNodeAndFreedWhenReleasedOrItsNodeDies) {
  FakeReporter ra, rb;
  NodeDirectory& a = add("a", ra);
  NodeDirectory& b = add("b", rb);
  EXPECT_EQ(ask(true, a, "cam").node, "a");
  EXPECT_EQ(ask(true, a, "cam").node, "a");  // again: still ours
  EXPECT_EQ(ask(true, b, "cam").node, "a");  // taken
  EXPECT_EQ(ask(false, b, "cam").node, "a");
  EXPECT_EQ(ask(false, b, "other").node, "");
  onLoop(loop, [&] { a.releaseStream("cam"); });
  EXPECT_EQ(ask(true, b, "cam").node, "b");
  // b's claim lives while b refreshes it (it lists the stream), and ends after b stops.
  rb.streams = {{"cam", "whip", 0}};
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(ask(false, a, "cam").node, "b");
  onLoop(loop, [&] { b.stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  EXPECT_EQ(ask(false, a, "cam").node, "");
}

TEST_F(NodeDirectoryTest, RedisAwayMakesTheNodeUnavailableAndItRegistersAgainOnItsReturn) {
  FakeReporter ra, rb;
  ra.streams = {{"cam", "whip", 1}};
  NodeDirectory& a = add("a", ra);
  NodeDirectory& b = add("b", rb);
  ASSERT_TRUE(eventually(loop, [&] { return a.nodes().size() == 2; }));
  redis.stop();
  ASSERT_TRUE(eventually(loop, [&] { return !a.available() && !b.available(); }));
  EXPECT_EQ(nodeCount(a), 2u);  // the last view is kept meanwhile
  const StreamOwner refused = ask(true, b, "new");
  EXPECT_FALSE(refused.answered);
  EXPECT_NE(refused.error, "");
  ASSERT_TRUE(redis.start());  // an empty Redis: every record and claim is gone
  ASSERT_TRUE(eventually(loop, [&] { return a.available() && b.available() && a.nodes().size() == 2; },
                         std::chrono::seconds(8)));
  EXPECT_EQ(ask(false, b, "cam").node, "a");  // a claimed its stream again
}

TEST_F(NodeDirectoryTest, AStreamClaimedElsewhereIsReported) {
  FakeReporter ra, rb;
  NodeDirectory& a = add("a", ra);
  add("b", rb);
  EXPECT_EQ(ask(true, a, "cam").node, "a");
  rb.streams = {{"cam", "rtmp-publish", 0}};  // b holds a source of "cam" too
  ASSERT_TRUE(eventually(loop, [&] { return !rb.lost.empty(); }));
  EXPECT_EQ(onLoop(loop, [&] { return rb.lost.front(); }), std::make_pair(std::string("cam"), std::string("a")));
}

TEST_F(NodeDirectoryTest, BadRecordsOfOtherNodesAreIgnored) {
  FakeReporter ra;
  NodeDirectory& a = add("a", ra);
  ASSERT_TRUE(eventually(loop, [&] { return a.nodes().size() == 1; }));
  auto endpoint = net::parseRedisUrl(redis.url());
  std::unique_ptr<net::RedisClient> raw;
  onLoop(loop, [&] {
    raw = std::make_unique<net::RedisClient>(loop, *endpoint);
    raw->start();
  });
  ASSERT_TRUE(eventually(loop, [&] { return raw->connected(); }));
  onLoop(loop, [&] {
    raw->command({"SADD", "t:nodes", "evil", "bad name!"}, [](const net::RedisReply&) {});
    raw->command({"SET", "t:node:evil", "{\"id\":\"evil\",\"http_url\":\"javascript:x\"}"}, [](const net::RedisReply&) {});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(nodeCount(a), 1u);
  EXPECT_GT(onLoop(loop, [&] { return a.stats().invalidRecords; }), 0u);
  onLoop(loop, [&] { raw.reset(); });
}

}  // namespace
}  // namespace rtcgate::cluster
