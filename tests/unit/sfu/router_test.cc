#include "sfu/router.h"

#include <gtest/gtest.h>

#include "sfu_test_support.h"
#include "support/fixtures.h"
#include "wire/sdp/answer_builder.h"

namespace rtcgate::sfu {
namespace {

using testing::FakeHost;
using testing::makeFrame;
using testing::makeH264;
using testing::RecordingSink;
using testing::SinkLog;

SessionSpec spec(const std::string& id, const char* fixture, bool player) {
  wire::sdp::AnswerOptions o;
  o.iceUfrag = "ufrag" + id;
  o.icePwd = "0123456789012345678901234";
  o.fingerprint = "AA:BB";
  o.candidates.push_back({"127.0.0.1", 4000, "udp"});
  if (player) {
    o.sendTracks.push_back({"", "audio", {11, 0, "c", "s", "a"}});
    o.sendTracks.push_back({"", "video", {22, 23, "c", "s", "v"}});
  }
  auto answer = wire::sdp::AnswerBuilder(o).build(test::readTextFile(std::string("tests/fixtures/sdp/") + fixture));
  EXPECT_TRUE(answer.ok());
  SessionSpec s;
  s.id = id;
  s.stream = "cam";
  s.negotiated = answer->session;
  s.localIce = {o.iceUfrag, o.icePwd};
  return s;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override { host.router = &router; }
  bool live(const std::string& id) { return router.find(id) != nullptr; }
  void tickFor(int64_t ms) {
    for (int64_t t = 0; t < ms; t += 100) {
      host.fake.advanceMs(100);
      router.onTick(host.fake.nowUs());
    }
  }
  FakeHost host;
  Router router{host, 0, 5'000'000};
};

// A session whose transport cannot start (a fingerprint DTLS refuses) used to leave an empty
// Stream on the worker for ever.
TEST_F(RouterTest, ASessionThatCannotStartLeavesNoStreamBehind) {
  auto bad = spec("pub", "chromium-sendonly-offer.sdp", false);
  bad.negotiated.remoteFingerprint.value = "AB:CD";
  EXPECT_FALSE(router.addPublisher(std::move(bad), false).ok());
  auto badPlayer = spec("sub", "chromium-recvonly-offer.sdp", true);
  badPlayer.negotiated.remoteFingerprint.value = "AB:CD";
  EXPECT_FALSE(router.addSubscriber(std::move(badPlayer)).ok());
  EXPECT_TRUE(router.streams().empty());
  EXPECT_FALSE(live("pub"));
  EXPECT_FALSE(live("sub"));
}

TEST_F(RouterTest, PublisherEndingOnPurposeClosesItsPlayers) {
  ASSERT_TRUE(router.addPublisher(spec("pub", "chromium-sendonly-offer.sdp", false), false).ok());
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  ASSERT_TRUE(router.addSubscriber(spec("p2", "chromium-recvonly-offer.sdp", true)).ok());
  EXPECT_EQ(router.streams().at(0).subscribers, 2u);
  EXPECT_EQ(host.peers.ufragCount(), 3u);
  EXPECT_TRUE(router.closeSession("pub", "DELETE"));
  EXPECT_FALSE(live("pub"));
  EXPECT_FALSE(live("p1"));
  EXPECT_FALSE(live("p2"));
  EXPECT_TRUE(router.streams().empty());
  router.onTick(host.fake.nowUs());  // destroys the ended sessions
  EXPECT_EQ(host.peers.ufragCount(), 0u);
}

TEST_F(RouterTest, SecondPublisherIsRefusedOrReplacesWithoutEndingPlayers) {
  ASSERT_TRUE(router.addPublisher(spec("pub", "chromium-sendonly-offer.sdp", false), false).ok());
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  EXPECT_EQ(router.addPublisher(spec("pub2", "chromium-sendonly-offer.sdp", false), false).error().code,
            Error::Code::kState);
  ASSERT_TRUE(router.addPublisher(spec("pub3", "chromium-sendonly-offer.sdp", false), true).ok());
  EXPECT_FALSE(live("pub"));
  EXPECT_TRUE(live("p1"));
  EXPECT_EQ(router.streams().at(0).publisher, "pub3");
}

TEST_F(RouterTest, LostPublisherLeavesPlayersWaitingForAGracePeriod) {
  ASSERT_TRUE(router.addPublisher(spec("pub", "chromium-sendonly-offer.sdp", false), false).ok());
  tickFor(20'000);
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  tickFor(10'100);  // the publisher never connected: it fails (not an intentional end)
  EXPECT_FALSE(live("pub"));
  EXPECT_TRUE(live("p1"));
  tickFor(4'000);
  EXPECT_TRUE(live("p1"));  // still inside the 5 s grace period
  tickFor(1'200);
  EXPECT_FALSE(live("p1"));
  EXPECT_EQ(host.ended.back().second, "the publisher did not come back");
}


// RTMP publishers and players: frame sources and frame sinks in the same router.
class FrameRouterTest : public RouterTest {
 protected:
  Status publish(const std::string& id, bool replace = false) {
    return router.addFramePublisher(id, "cam", SessionKind::kRtmpPublisher, replace, 7);
  }
  // Adds a recording player; its log outlives it.
  std::shared_ptr<SinkLog> play(const std::string& id, FrameWants wants = {}, Status* status = nullptr,
                                const std::string& stream = "cam") {
    auto sink = std::make_unique<RecordingSink>(wants);
    auto log = sink->log;
    Status s = router.addFrameSink(id, stream, SessionKind::kRtmpPlayer, std::move(sink), 8);
    if (status) *status = s;
    else EXPECT_TRUE(s.ok()) << s.error().message;
    return log;
  }
  void pushKeyframeAndAudio(const std::string& id) {
    EXPECT_TRUE(router.pushFrame(id, makeH264(0, true, 200), false));
    EXPECT_TRUE(router.pushFrame(id, makeFrame(media::MediaCodec::kAac, 0, true, 20), false));
  }
};

TEST_F(FrameRouterTest, DuplicateIdsAndSecondPublishersAreRefused) {
  ASSERT_TRUE(publish("rtmp1").ok());
  EXPECT_EQ(publish("rtmp1").error().code, Error::Code::kState);
  auto second = publish("rtmp2");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, Error::Code::kState);
  EXPECT_STREQ(second.error().message, "stream already published");
  EXPECT_TRUE(host.frameSourcesEnded.empty());
  // A WebRTC publisher cannot take the stream either.
  EXPECT_FALSE(router.addPublisher(spec("pub", "chromium-sendonly-offer.sdp", false), false).ok());
  Status sinkStatus;
  play("rtmp1", {}, &sinkStatus);
  EXPECT_EQ(sinkStatus.error().code, Error::Code::kState);
}

TEST_F(FrameRouterTest, ReplacingEndsTheFirstPublisherButKeepsThePlayers) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto player = play("player");
  pushKeyframeAndAudio("rtmp1");
  ASSERT_TRUE(publish("rtmp2", true).ok());
  ASSERT_EQ(host.frameSourcesEnded.size(), 1u);
  EXPECT_EQ(host.frameSourcesEnded[0].first, "rtmp1");
  EXPECT_EQ(host.frameSourcesEnded[0].second, "replaced by a new publisher");
  EXPECT_FALSE(router.pushFrame("rtmp1", makeH264(1000, false), false));
  ASSERT_EQ(router.streams().size(), 1u);
  EXPECT_EQ(router.streams()[0].publisher, "rtmp2");
  EXPECT_TRUE(player->endReasons.empty());
  pushKeyframeAndAudio("rtmp2");
  EXPECT_EQ(player->frames.size(), 4u);
  router.onTick(host.fake.nowUs());  // destroys the replaced publisher
}

TEST_F(FrameRouterTest, FramesReachPlayersOfTheirStream) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto player = play("player");
  pushKeyframeAndAudio("rtmp1");
  EXPECT_EQ(player->count(media::MediaCodec::kH264), 1u);
  EXPECT_EQ(player->count(media::MediaCodec::kAac), 1u);
  EXPECT_FALSE(router.pushFrame("nobody", makeH264(0, true), false));
  // A player joining later starts with the current GOP.
  auto late = play("late");
  EXPECT_EQ(late->frames.size(), 2u);
  ASSERT_EQ(router.streams().size(), 1u);
  EXPECT_EQ(router.streams()[0].frameSinks, 2u);
  EXPECT_TRUE(router.requestSinkKeyframe("late"));
  EXPECT_FALSE(router.requestSinkKeyframe("nobody"));
}

TEST_F(FrameRouterTest, RenditionCountersOutliveTheirStream) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto player = play("player");
  pushKeyframeAndAudio("rtmp1");
  EXPECT_EQ(router.renditionCounters().framesIn, 2u);
  EXPECT_EQ(router.frameSinkCount(), 1u);
  EXPECT_EQ(router.renditionsRunning(), 0u);  // the player takes the source's own codecs
  EXPECT_TRUE(router.removeFramePublisher("rtmp1", true, "unpublished"));
  EXPECT_TRUE(router.streams().empty());
  EXPECT_EQ(router.frameSinkCount(), 0u);
  EXPECT_EQ(router.renditionCounters().framesIn, 2u);  // /metrics counters never go down
}

TEST_F(FrameRouterTest, FrameSinksNeedAPublishedStream) {
  Status s;
  play("player", {}, &s);
  EXPECT_EQ(s.error().code, Error::Code::kNotFound);
  // A stream that exists only for its WebRTC players is not published either.
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  play("player", {}, &s);
  EXPECT_EQ(s.error().code, Error::Code::kNotFound);
  ASSERT_TRUE(publish("rtmp1").ok());
  play("player", {}, &s, "other");
  EXPECT_EQ(s.error().code, Error::Code::kNotFound);
}

TEST_F(FrameRouterTest, RemoveFrameSink) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto player = play("player");
  EXPECT_TRUE(router.removeFrameSink("player"));
  EXPECT_FALSE(router.removeFrameSink("player"));
  pushKeyframeAndAudio("rtmp1");
  EXPECT_TRUE(player->frames.empty());
  EXPECT_TRUE(player->endReasons.empty());  // its owner removed it: no end notice
  ASSERT_EQ(router.streams().size(), 1u);
  EXPECT_EQ(router.streams()[0].frameSinks, 0u);
}

TEST_F(FrameRouterTest, UnpublishingOnPurposeEndsTheStream) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto player = play("player");
  EXPECT_TRUE(router.removeFramePublisher("rtmp1", true, "unpublished"));
  EXPECT_FALSE(router.removeFramePublisher("rtmp1", true, "unpublished"));
  EXPECT_EQ(player->endReasons, std::vector<std::string>{"the publisher ended the stream"});
  EXPECT_TRUE(router.streams().empty());
  EXPECT_TRUE(router.sessions().empty());
  EXPECT_EQ(router.sessionCount(), 0u);
  EXPECT_TRUE(host.frameSourcesEnded.empty());  // the source ended itself: nothing to close
  router.onTick(host.fake.nowUs());
}

TEST_F(FrameRouterTest, LostPublisherLeavesPlayersWaitingForAGracePeriod) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto player = play("player");
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  EXPECT_TRUE(router.removeFramePublisher("rtmp1", false, "connection lost"));
  ASSERT_EQ(router.streams().size(), 1u);
  EXPECT_EQ(router.streams()[0].publisher, "");
  EXPECT_EQ(router.streams()[0].frameSinks, 1u);
  tickFor(4'000);
  EXPECT_TRUE(player->endReasons.empty());
  EXPECT_TRUE(live("p1"));
  tickFor(1'200);
  EXPECT_EQ(player->endReasons, std::vector<std::string>{"the publisher did not come back"});
  EXPECT_FALSE(live("p1"));
  EXPECT_TRUE(router.streams().empty());
}

TEST_F(FrameRouterTest, PublisherComingBackInTheGracePeriodFeedsTheSamePlayers) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto player = play("player");
  EXPECT_TRUE(router.removeFramePublisher("rtmp1", false, "connection lost"));
  tickFor(2'000);
  ASSERT_TRUE(publish("rtmp1b").ok());
  tickFor(10'000);
  EXPECT_TRUE(player->endReasons.empty());
  pushKeyframeAndAudio("rtmp1b");
  EXPECT_EQ(player->frames.size(), 2u);
}

TEST_F(FrameRouterTest, PlayerJoiningANewPublisherGetsNothingOfTheOldOne) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto first = play("first");  // keeps the stream while its publisher is away
  pushKeyframeAndAudio("rtmp1");
  EXPECT_TRUE(router.pushFrame("rtmp1", makeH264(33'333, false, 200), false));
  EXPECT_TRUE(router.removeFramePublisher("rtmp1", false, "connection lost"));
  ASSERT_EQ(router.streams().size(), 1u);
  ASSERT_TRUE(publish("rtmp1b").ok());
  // The new encoder's audio comes first; its keyframe is still to come.
  EXPECT_TRUE(router.pushFrame("rtmp1b", makeFrame(media::MediaCodec::kAac, 0, true, 20), false));
  auto player = play("player");
  EXPECT_TRUE(player->frames.empty());
  EXPECT_TRUE(router.pushFrame("rtmp1b", makeH264(0, true, 200), false));
  ASSERT_EQ(player->frames.size(), 1u);
  EXPECT_EQ(player->frames[0]->ptsUs, 0);
}

TEST_F(FrameRouterTest, CloseSessionEndsFramePublishersAndSinks) {
  ASSERT_TRUE(publish("rtmp1").ok());
  auto a = play("a");
  auto b = play("b");
  EXPECT_TRUE(router.closeSession("a", "kicked"));
  EXPECT_EQ(a->endReasons, std::vector<std::string>{"kicked"});
  EXPECT_EQ(router.sessions().size(), 2u);

  EXPECT_TRUE(router.closeSession("rtmp1", "kicked"));
  ASSERT_EQ(host.frameSourcesEnded.size(), 1u);
  EXPECT_EQ(host.frameSourcesEnded[0], std::make_pair(std::string("rtmp1"), std::string("kicked")));
  EXPECT_EQ(b->endReasons, std::vector<std::string>{"the publisher ended the stream"});
  EXPECT_TRUE(router.sessions().empty());
  EXPECT_TRUE(router.streams().empty());
  EXPECT_FALSE(router.closeSession("rtmp1", "again"));
  router.onTick(host.fake.nowUs());
}

TEST_F(FrameRouterTest, SessionsListFramePublishersAndPlayers) {
  ASSERT_TRUE(publish("rtmp1").ok());
  play("player");
  const auto list = router.sessions();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(router.sessionCount(), 2u);
  for (const auto& s : list) {
    EXPECT_EQ(s.stream, "cam");
    EXPECT_EQ(s.kind, s.id == "rtmp1" ? SessionKind::kRtmpPublisher : SessionKind::kRtmpPlayer);
  }
  EXPECT_EQ(list[0].createdMs, 7);
  EXPECT_EQ(list[1].createdMs, 8);
}

TEST_F(FrameRouterTest, WebRtcPlayerMakesTheFramePublisherPacketize) {
  ASSERT_TRUE(publish("rtmp1").ok());
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  // The publisher is now its own stream's frame sink: H.264 in order and Opus.
  EXPECT_EQ(router.streams().at(0).frameSinks, 1u);
  EXPECT_TRUE(router.pushFrame("rtmp1", makeH264(0, true, 3000), false));
  EXPECT_TRUE(router.pushFrame("rtmp1", makeFrame(media::MediaCodec::kOpus, 0, true, 60), false));
  uint64_t packetsOut = 0;
  for (const auto& s : router.sessions())
    if (s.id == "rtmp1") packetsOut = s.packetsOut;
  EXPECT_GE(packetsOut, 5u);  // STAP-A + 3 FU-A + 1 Opus
  EXPECT_TRUE(router.closeSession("p1", "bye"));
  EXPECT_EQ(router.streams().at(0).frameSinks, 0u);
}

}  // namespace
}  // namespace rtcgate::sfu
