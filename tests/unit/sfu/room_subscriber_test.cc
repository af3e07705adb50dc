// A room participant's subscriber connection: one peer whose consumers take several
// streams, renegotiated as tracks come and go, over a fake transport and a fake clock.
#include <gtest/gtest.h>

#include "fake_transport.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/pli.h"

namespace rtcgate::sfu {
namespace {

using namespace testing::peers;
using testing::Bytes;
namespace rtcp = wire::rtcp;

wire::sdp::NegotiatedMedia sendSection(const std::string& mid, uint32_t ssrc) {
  wire::sdp::NegotiatedMedia v;
  v.mid = mid;
  v.kind = "video";
  v.direction = wire::sdp::Direction::kSendOnly;
  v.codecs = {vp8Codec()};
  v.extensions = {{kMidUri, 1}, {kAbsSendTimeUri, 2}, {kTwccUri, 3}};
  v.local = wire::sdp::LocalStream{ssrc, ssrc + 1, "c", "s", "t"};
  return v;
}

wire::sdp::NegotiatedMedia inactiveSection(const std::string& mid) {
  wire::sdp::NegotiatedMedia v;
  v.mid = mid;
  v.kind = "video";
  v.direction = wire::sdp::Direction::kInactive;
  v.codecs = {vp8Codec()};
  return v;
}

class RoomSubscriberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host.router = &router;
    ASSERT_TRUE(router.addPublisher(publisherSpec("pa", "r/a"), false).ok());
    ASSERT_TRUE(router.addPublisher(publisherSpec("pb", "r/b"), false).ok());
    SessionSpec sub;
    sub.id = "sub";
    sub.stream = "r";
    sub.negotiated.media = {sendSection("0", 0x100), sendSection("1", 0x200)};
    ASSERT_TRUE(router.addRoomSubscriber(sub, {{"0", "r/a"}, {"1", "r/b"}}).ok());
    for (const char* id : {"pa", "pb", "sub"}) host.transports.at(id)->setState(TransportState::kConnected);
    a = host.transports.at("pa");
    b = host.transports.at("pb");
    out = host.transports.at("sub");
  }
  int64_t now() { return host.fake.nowUs(); }
  // The SSRCs of what the subscriber was sent since the last call.
  std::vector<uint32_t> sentSsrcs() {
    std::vector<uint32_t> ssrcs;
    for (const auto& bytes : out->rtpOut) ssrcs.push_back(rtp::RtpPacketView::parse(bytes)->ssrc());
    out->rtpOut.clear();
    return ssrcs;
  }
  void sendFromBoth(uint16_t seq, bool keyframe) {
    a->receiveRtp(vp8Packet(0xA3, "h", seq, seq * 3000u, keyframe), now());
    b->receiveRtp(vp8Packet(0xB3, "h", seq, seq * 3000u, keyframe), now());
  }

  testing::peers::FakeTransportHost host;
  Router router{host, 0};
  FakeTransport *a = nullptr, *b = nullptr, *out = nullptr;
};

TEST_F(RoomSubscriberTest, EachMlineCarriesItsOwnStream) {
  sendFromBoth(1, true);
  sendFromBoth(2, false);
  EXPECT_EQ(sentSsrcs(), (std::vector<uint32_t>{0x100, 0x200, 0x100, 0x200}));
  ASSERT_NE(router.find("sub"), nullptr);
  EXPECT_EQ(router.find("sub")->consumers().size(), 2u);
}

TEST_F(RoomSubscriberTest, RenegotiationDropsAnInactiveMlineAndKeepsTheOthers) {
  sendFromBoth(1, true);
  sentSsrcs();
  wire::sdp::NegotiatedSession next;
  next.media = {sendSection("0", 0x100), inactiveSection("1")};
  ASSERT_TRUE(router.updateConsumers("sub", next, {{"0", "r/a"}}).ok());
  sendFromBoth(2, false);  // a continues without waiting for a keyframe
  EXPECT_EQ(sentSsrcs(), (std::vector<uint32_t>{0x100}));
  // The ended track's SSRCs leave the SRTP state, so a long meeting never fills it.
  EXPECT_EQ(out->forgotten, (std::vector<uint32_t>{0x200, 0x201}));
  // The recycled m-line carries b again, with new SSRCs.
  next.media = {sendSection("0", 0x100), sendSection("1", 0x300)};
  ASSERT_TRUE(router.updateConsumers("sub", next, {{"0", "r/a"}, {"1", "r/b"}}).ok());
  sendFromBoth(3, true);
  EXPECT_EQ(sentSsrcs(), (std::vector<uint32_t>{0x100, 0x300}));
}

// A track republished with another codec while an offer was out keeps its slot and SSRC; the
// consumer used to keep the old payload type (and the VP8 rewriter) for the new codec.
TEST_F(RoomSubscriberTest, ASlotWhoseCodecChangedGetsAConsumerForTheNewOne) {
  ASSERT_EQ(router.find("sub")->consumerForMid("1")->payloadType(), vp8Codec().pt);
  auto other = sendSection("1", 0x200);
  other.codecs.front().pt = static_cast<uint8_t>(vp8Codec().pt + 2);
  wire::sdp::NegotiatedSession next;
  next.media = {sendSection("0", 0x100), other};
  ASSERT_TRUE(router.updateConsumers("sub", next, {{"0", "r/a"}, {"1", "r/b"}}).ok());
  ASSERT_NE(router.find("sub")->consumerForMid("1"), nullptr);
  EXPECT_EQ(router.find("sub")->consumerForMid("1")->payloadType(), vp8Codec().pt + 2);
  EXPECT_EQ(router.find("sub")->consumerForMid("0")->payloadType(), vp8Codec().pt);
}

TEST_F(RoomSubscriberTest, PausedTrackSendsNothingAndResumesOnAKeyframe) {
  sendFromBoth(1, true);
  sentSsrcs();
  ASSERT_TRUE(router.setConsumerOptions("sub", "1", {.paused = true}));
  sendFromBoth(2, false);
  EXPECT_EQ(sentSsrcs(), (std::vector<uint32_t>{0x100}));
  ASSERT_TRUE(router.setConsumerOptions("sub", "1", {.paused = false}));
  sendFromBoth(3, false);  // b's decoder needs a keyframe first
  EXPECT_EQ(sentSsrcs(), (std::vector<uint32_t>{0x100}));
  sendFromBoth(4, true);
  EXPECT_EQ(sentSsrcs(), (std::vector<uint32_t>{0x100, 0x200}));
  EXPECT_FALSE(router.setConsumerOptions("sub", "9", {}));
}

TEST_F(RoomSubscriberTest, PliReachesThePublisherOfThatMline) {
  sendFromBoth(1, true);
  a->rtcpOut.clear();
  b->rtcpOut.clear();
  host.fake.advanceUs(2'000'000);  // past the PLI hold-off
  Bytes pli(64);
  auto n = rtcp::Pli{0x9, 0x200}.serializeTo(pli);
  ASSERT_TRUE(n.ok());
  pli.resize(*n);
  out->receiveRtcp(pli, now());
  router.onTick(now());
  auto plis = [](const std::vector<Bytes>& sent) {
    int count = 0;
    for (const auto& d : sent) {
      rtcp::CompoundIterator it(d);
      rtcp::RtcpPacketRef ref;
      while (it.next(ref)) count += ref.kind() == rtcp::RtcpKind::kPli;
    }
    return count;
  };
  EXPECT_EQ(plis(a->rtcpOut), 0);
  EXPECT_EQ(plis(b->rtcpOut), 1);
}

TEST_F(RoomSubscriberTest, AnEndedPublisherLeavesTheSubscriberConnected) {
  router.closeSession("pb", "left");
  router.onTick(now());  // b's peer and transport are gone from here on
  ASSERT_NE(router.find("sub"), nullptr);
  a->receiveRtp(vp8Packet(0xA3, "h", 1, 3000, true), now());
  EXPECT_EQ(sentSsrcs(), (std::vector<uint32_t>{0x100}));
  // The participant's subscriber ends: both streams lose a consumer, none is left behind.
  router.closeSession("sub", "left");
  router.onTick(now());
  for (const auto& s : router.streams()) EXPECT_EQ(s.subscribers, 0u) << s.name;
}

}  // namespace
}  // namespace rtcgate::sfu
