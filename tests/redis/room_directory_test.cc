#include "cluster/room_directory.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "redis/loop_helper.h"
#include "support/redis_server.h"

namespace rtcgate::cluster {
namespace {

using test::eventually;
using test::onLoop;

class QuietReporter final : public NodeReporter {
 public:
  NodeLoad nodeLoad() override { return {}; }
  std::vector<NodeStream> nodeStreams() override { return {}; }
};

RoomMemberRecord member(const std::string& name, int64_t joinedMs, std::vector<RoomTrackRecord> tracks = {}) {
  return {name, name + " (display)", R"({"seat":1})", joinedMs, std::move(tracks)};
}

class RoomDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis.start());
    loop.start();
  }
  void TearDown() override {
    onLoop(loop, [&] {
      rooms.clear();
      nodes.clear();
    });
    loop.stop();
  }
  // A node and its room directory; the room records live 1 s.
  RoomDirectory& add(const std::string& id) {
    return *onLoop(loop, [&] {
      NodeInfo self;
      self.id = id;
      self.region = "eu";
      self.httpUrl = "http://127.0.0.1:8080";
      nodes.push_back(std::make_unique<NodeDirectory>(loop, *net::parseRedisUrl(redis.url()), self, reporter,
                                                      NodeDirectoryOptions{"t:", 200'000, 1000}));
      nodes.back()->start();
      rooms.push_back(std::make_unique<RoomDirectory>(*nodes.back(), 1000));
      return rooms.back().get();
    });
  }
  std::optional<RoomDirectory::Members> read(RoomDirectory& d, const std::string& room) {
    std::optional<std::optional<RoomDirectory::Members>> out;
    onLoop(loop, [&] {
      d.read(room, [&](bool ok, RoomDirectory::Members m) { out = ok ? std::optional(std::move(m)) : std::nullopt; });
    });
    EXPECT_TRUE(eventually(loop, [&] { return out.has_value(); }));
    return out.value_or(std::nullopt);
  }
  bool allLive() {
    return eventually(loop, [&] {
      for (const auto& n : nodes)
        if (n->nodes().size() != nodes.size()) return false;
      return true;
    });
  }

  test::RedisServer redis;
  net::EventLoop loop{"room-directory-test"};
  QuietReporter reporter;
  std::vector<std::unique_ptr<NodeDirectory>> nodes;
  std::vector<std::unique_ptr<RoomDirectory>> rooms;
};

TEST_F(RoomDirectoryTest, EachNodeReadsTheOthersParticipantsButNotItsOwn) {
  RoomDirectory& a = add("a");
  RoomDirectory& b = add("b");
  ASSERT_TRUE(allLive());
  onLoop(loop, [&] {
    a.write("meet", {member("alice", 100, {{"camera", "video", false}, {"microphone", "audio", true}})});
    b.write("meet", {member("bob", 200)});
  });
  auto seenByB = read(b, "meet");
  ASSERT_TRUE(seenByB.has_value());
  ASSERT_EQ(seenByB->size(), 1u);
  const auto& alice = seenByB->at("a").at(0);
  EXPECT_EQ(alice.name, "alice");
  EXPECT_EQ(alice.displayName, "alice (display)");
  EXPECT_EQ(alice.metadata, R"({"seat":1})");
  EXPECT_EQ(alice.joinedMs, 100);
  ASSERT_EQ(alice.tracks.size(), 2u);
  EXPECT_TRUE(alice.tracks[1].muted);
  auto seenByA = read(a, "meet");
  ASSERT_TRUE(seenByA.has_value());
  EXPECT_EQ(seenByA->at("b").at(0).name, "bob");
  EXPECT_TRUE(read(a, "other")->empty());

  onLoop(loop, [&] { a.write("meet", {}); });  // alice left: a's field goes
  EXPECT_TRUE(read(b, "meet")->empty());
}

TEST_F(RoomDirectoryTest, ADeadNodesParticipantsAreSkippedAndBadRecordsIgnored) {
  RoomDirectory& a = add("a");
  RoomDirectory& b = add("b");
  ASSERT_TRUE(allLive());
  onLoop(loop, [&] { a.write("meet", {member("alice", 1)}); });
  ASSERT_EQ(read(b, "meet")->size(), 1u);
  // A field no node wrote that way: ignored, the rest still read.
  std::optional<bool> written;
  onLoop(loop, [&] {
    nodes[0]->redis().command({"HSET", "t:room:meet", "b", "{\"participants\":[{\"name\":7}]}"},
                              [&](const net::RedisReply& r) { written = r.ok(); });
  });
  ASSERT_TRUE(eventually(loop, [&] { return written.has_value(); }));
  ASSERT_EQ(read(a, "meet")->size(), 0u);
  EXPECT_EQ(onLoop(loop, [&] { return a.stats().invalidRecords; }), 1u);
  // a stops (as if killed): b no longer sees its participants once a's node record expires.
  onLoop(loop, [&] { nodes[0]->stop(); });
  ASSERT_TRUE(eventually(loop, [&] { return nodes[1]->nodes().size() == 1; }, std::chrono::seconds(5)));
  EXPECT_TRUE(read(b, "meet")->empty());
}

TEST_F(RoomDirectoryTest, ARoomNobodyWritesExpires) {
  RoomDirectory& a = add("a");
  ASSERT_TRUE(allLive());
  onLoop(loop, [&] { a.write("meet", {member("alice", 1)}); });
  std::optional<int64_t> ttl;
  onLoop(loop, [&] {
    nodes[0]->redis().command({"PTTL", "t:room:meet"}, [&](const net::RedisReply& r) { ttl = r.integer; });
  });
  ASSERT_TRUE(eventually(loop, [&] { return ttl.has_value(); }));
  EXPECT_GT(*ttl, 0);
  EXPECT_LE(*ttl, 1000);
}

TEST_F(RoomDirectoryTest, ReadFailsWhileRedisIsAway) {
  RoomDirectory& a = add("a");
  ASSERT_TRUE(allLive());
  redis.stop();
  ASSERT_TRUE(eventually(loop, [&] { return !nodes[0]->available(); }));
  EXPECT_FALSE(read(a, "meet").has_value());
}

}  // namespace
}  // namespace rtcgate::cluster
