#include "sfu/room.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rtcgate::sfu {
namespace {

// Writes every event as one line, e.g. "joined a", "published a/camera".
struct EventLog final : RoomListener {
  void onParticipantJoined(const RoomParticipant& p) override { lines.push_back("joined " + p.name); }
  void onParticipantLeft(const RoomParticipant& p, std::string_view reason) override {
    lines.push_back("left " + p.name + " " + std::string(reason));
  }
  void onParticipantUpdated(const RoomParticipant& p) override { lines.push_back("updated " + p.displayName); }
  void onTrackPublished(const RoomParticipant&, const RoomTrack& t) override { lines.push_back("published " + t.id); }
  void onTrackUnpublished(const RoomParticipant&, const RoomTrack& t) override {
    lines.push_back("unpublished " + t.id);
  }
  void onTrackMuted(const RoomParticipant&, const RoomTrack& t) override {
    lines.push_back(std::string(t.muted ? "muted " : "unmuted ") + t.id);
  }
  std::vector<std::string> take() { return std::exchange(lines, {}); }
  std::vector<std::string> lines;
};

class RoomTest : public ::testing::Test {
 protected:
  RoomParticipant& join(const std::string& name) {
    auto r = room.join(name, name, "{}", now);
    EXPECT_TRUE(r.ok());
    return **r;
  }
  // Joins and publishes camera and microphone.
  RoomParticipant& joinPublishing(const std::string& name) {
    RoomParticipant& p = join(name);
    room.publish(name, TrackSource::kMicrophone, MediaKind::kAudio, now);
    room.publish(name, TrackSource::kCamera, MediaKind::kVideo, now);
    return p;
  }
  // The tracks `name` receives once its pending offers are answered.
  std::vector<std::string> receives(const std::string& name) {
    RoomParticipant& p = *room.find(name);
    while (p.slots.offerDueUs()) p.slots.onAnswered(p.slots.makeOffer().negotiation);
    std::vector<std::string> out;
    for (const auto& s : p.slots.answered())
      if (s.active()) out.push_back(s.track);
    std::sort(out.begin(), out.end());
    return out;
  }

  EventLog log;
  Room room{"r", RoomLimits{.maxParticipants = 3, .graceUs = 20'000'000, .debounceUs = 0}, log};
  int64_t now = 1'000'000;
};

TEST_F(RoomTest, EveryoneReceivesEveryoneElse) {
  joinPublishing("a");
  joinPublishing("b");
  join("c");  // watches only
  EXPECT_EQ(receives("a"), (std::vector<std::string>{"b/camera", "b/microphone"}));
  EXPECT_EQ(receives("b"), (std::vector<std::string>{"a/camera", "a/microphone"}));
  EXPECT_EQ(receives("c"), (std::vector<std::string>{"a/camera", "a/microphone", "b/camera", "b/microphone"}));
  EXPECT_EQ(room.find("a")->track(TrackSource::kCamera)->stream, "r/a");
  EXPECT_EQ(room.streamOf("a", TrackSource::kScreen), "r/a.screen");
}

TEST_F(RoomTest, ALateJoinerGetsWhatIsAlreadyPublished) {
  joinPublishing("a");
  log.take();
  join("b");
  EXPECT_EQ(log.take(), (std::vector<std::string>{"joined b"}));
  EXPECT_EQ(receives("b"), (std::vector<std::string>{"a/camera", "a/microphone"}));
}

TEST_F(RoomTest, LeavingEndsTracksForEveryoneInEveryOrder) {
  for (const auto& order : std::vector<std::vector<std::string>>{{"a", "b", "c"}, {"c", "b", "a"}, {"b", "a", "c"}}) {
    Room r{"r", RoomLimits{.maxParticipants = 3, .graceUs = 1, .debounceUs = 0}, log};
    for (const auto& name : {"a", "b", "c"}) {
      ASSERT_TRUE(r.join(name, name, "{}", now).ok());
      r.publish(name, TrackSource::kCamera, MediaKind::kVideo, now);
    }
    for (const auto& name : order) {
      r.leave(name, "left", now);
      for (const auto& [other, p] : r.participants()) {
        EXPECT_FALSE(p->slots.wants(name + "/camera")) << other << " still wants " << name;
      }
    }
    EXPECT_TRUE(r.empty());
  }
}

TEST_F(RoomTest, LeaveEventsComeAfterTheTracksEnd) {
  joinPublishing("a");
  join("b");
  log.take();
  room.leave("a", "left", now);
  EXPECT_EQ(log.take(), (std::vector<std::string>{"unpublished a/camera", "unpublished a/microphone", "left a left"}));
  EXPECT_TRUE(receives("b").empty());
}

TEST_F(RoomTest, ALeaveIsDebouncedLikeAnyOtherChange) {
  Room r{"r", RoomLimits{.maxParticipants = 3, .graceUs = 1, .debounceUs = 50'000}, log};
  ASSERT_TRUE(r.join("a", "a", "{}", now).ok());
  r.publish("a", TrackSource::kCamera, MediaKind::kVideo, now);
  RoomParticipant& b = **r.join("b", "b", "{}", now);
  b.slots.onAnswered(b.slots.makeOffer().negotiation);
  r.leave("a", "left", now + 1'000'000);
  EXPECT_EQ(b.slots.offerDueUs(), now + 1'050'000);
}

TEST_F(RoomTest, ASecondJoinWithTheSameNameReplacesTheFirst) {
  joinPublishing("a");
  join("b");
  log.take();
  join("a");
  EXPECT_EQ(log.take(),
            (std::vector<std::string>{"unpublished a/camera", "unpublished a/microphone", "left a replaced", "joined a"}));
  EXPECT_EQ(room.size(), 2u);
}

TEST_F(RoomTest, FullRoomRefusesAJoin) {
  join("a");
  join("b");
  join("c");
  EXPECT_FALSE(room.join("d", "d", "{}", now).ok());
  EXPECT_TRUE(room.join("c", "c", "{}", now).ok());  // a replacement does not add one
}

TEST_F(RoomTest, ADisconnectedParticipantStaysForTheGracePeriod) {
  RoomParticipant& a = joinPublishing("a");
  const std::string secret = a.resumeSecret;
  join("b");
  log.take();
  room.disconnected("a", now);
  EXPECT_EQ(room.expire(now + 19'000'000), 0u);
  EXPECT_EQ(room.resume("a", "wrong"), nullptr);
  EXPECT_NE(room.resume("a", secret), nullptr);
  EXPECT_EQ(room.expire(now + 25'000'000), 0u);  // resumed: no longer counting
  EXPECT_TRUE(log.take().empty());               // the others saw nothing
  room.disconnected("a", now + 30'000'000);
  EXPECT_EQ(room.expire(now + 50'000'000), 1u);
  EXPECT_EQ(log.take().back(), "left a timeout");
  EXPECT_TRUE(receives("b").empty());
}

TEST_F(RoomTest, MuteUpdateAndSubscriptions) {
  joinPublishing("a");
  join("b");
  log.take();
  EXPECT_TRUE(room.mute("a", TrackSource::kCamera, true));
  EXPECT_TRUE(room.mute("a", TrackSource::kCamera, true));  // no change, no event
  EXPECT_FALSE(room.mute("a", TrackSource::kScreen, true));
  EXPECT_TRUE(room.update("a", "Alice", std::nullopt));
  EXPECT_EQ(log.take(), (std::vector<std::string>{"muted a/camera", "updated Alice"}));
  EXPECT_TRUE(room.subscribe("b", "a/camera", {.subscribed = false}, now));
  EXPECT_EQ(receives("b"), (std::vector<std::string>{"a/microphone"}));
  EXPECT_TRUE(room.subscribe("b", "a/camera", {}, now));
  EXPECT_EQ(receives("b"), (std::vector<std::string>{"a/camera", "a/microphone"}));
  EXPECT_FALSE(room.subscribe("b", "nobody/camera", {}, now));
  EXPECT_FALSE(room.subscribe("a", "a/camera", {}, now));  // not to oneself
}

TEST_F(RoomTest, AnUnsubscriptionEndsWithItsTrack) {
  joinPublishing("a");
  join("b");
  ASSERT_TRUE(room.subscribe("b", "a/camera", {.subscribed = false}, now));
  room.unpublish("a", TrackSource::kCamera, now);
  room.publish("a", TrackSource::kCamera, MediaKind::kVideo, now);
  // A new track: the wish was about the old one, so b receives it again.
  EXPECT_EQ(receives("b"), (std::vector<std::string>{"a/camera", "a/microphone"}));
}

}  // namespace
}  // namespace rtcgate::sfu
