#include "sfu/room_data.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rtcgate::sfu {
namespace {

struct Inbox final : DataSink {
  std::vector<DataMessage> got;
  void onStreamData(const DataMessage& m) override { got.push_back(m); }
  nlohmann::json last() const {
    const auto& b = *got.back().bytes;
    return nlohmann::json::parse(b.begin(), b.end());
  }
};

DataMessage text(const std::string& s, std::string label = "room") {
  DataMessage m;
  m.label = std::move(label);
  m.bytes = std::make_shared<const std::vector<uint8_t>>(s.begin(), s.end());
  return m;
}

struct RoomDataTest : ::testing::Test {
  RoomData room;
  Inbox alice, bob, carol;
  void SetUp() override {
    room.add("alice", alice);
    room.add("bob", bob);
    room.add("carol", carol);
  }
};

TEST_F(RoomDataTest, ToEveryoneButTheSenderWithItsName) {
  auto sent = room.forward("alice", text(R"({"data": {"text": "hi"}})"));
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(*sent, 2u);
  EXPECT_TRUE(alice.got.empty());
  ASSERT_EQ(bob.got.size(), 1u);
  ASSERT_EQ(carol.got.size(), 1u);
  EXPECT_EQ(bob.last(), (nlohmann::json{{"from", "alice"}, {"data", {{"text", "hi"}}}}));
  EXPECT_EQ(bob.got.back().label, "room");
  EXPECT_EQ(bob.got.back().bytes, carol.got.back().bytes);  // one copy for every recipient
}

TEST_F(RoomDataTest, ToTheNamedOnlyMarkedPrivate) {
  ASSERT_TRUE(room.forward("alice", text(R"({"to": ["bob", "bob", "alice"], "data": 1})")).ok());
  ASSERT_EQ(bob.got.size(), 1u);  // named twice: once
  EXPECT_TRUE(carol.got.empty());
  EXPECT_TRUE(alice.got.empty());  // naming oneself sends nothing back
  EXPECT_EQ(bob.last()["private"], true);
}

TEST_F(RoomDataTest, TheSenderCannotBeForged) {
  ASSERT_TRUE(room.forward("carol", text(R"({"from": "alice", "data": "me"})")).ok());
  EXPECT_EQ(bob.last()["from"], "carol");
}

TEST_F(RoomDataTest, BadMessagesAreRefusedAndSendNothing) {
  for (const char* bad : {"not json", "[1,2]", R"({"to": ["bob"]})", R"({"to": [], "data": 1})",
                          R"({"to": "bob", "data": 1})", R"({"to": [7], "data": 1})",
                          R"({"to": ["bob", "dave"], "data": 1})"}) {
    auto sent = room.forward("alice", text(bad));
    EXPECT_FALSE(sent.ok()) << bad;
  }
  DataMessage binary = text(R"({"data": 1})");
  binary.binary = true;
  EXPECT_FALSE(room.forward("alice", binary).ok());
  EXPECT_FALSE(room.forward("alice", text(R"({"data": 1})", "metadata")).ok());
  nlohmann::json many{{"data", 1}, {"to", nlohmann::json::array()}};
  for (int i = 0; i < 65; ++i) many["to"].push_back("bob");
  EXPECT_FALSE(room.forward("alice", text(many.dump())).ok());
  EXPECT_TRUE(bob.got.empty());
  EXPECT_TRUE(carol.got.empty());
}

TEST_F(RoomDataTest, ARemovedMemberGetsNothingAndAReplacementKeepsTheName) {
  Inbox bob2;
  room.add("bob", bob2);     // a new connection of bob's
  room.remove("bob", bob);   // the old one leaving does not remove the new one
  ASSERT_TRUE(room.forward("alice", text(R"({"data": 1})")).ok());
  EXPECT_TRUE(bob.got.empty());
  EXPECT_EQ(bob2.got.size(), 1u);
  room.remove("bob", bob2);
  room.remove("carol", carol);
  EXPECT_EQ(*room.forward("alice", text(R"({"data": 1})")), 0u);
  room.remove("alice", alice);
  EXPECT_TRUE(room.empty());
}

}  // namespace
}  // namespace rtcgate::sfu
