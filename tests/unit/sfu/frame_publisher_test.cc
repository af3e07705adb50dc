#include "sfu/frame_publisher.h"

#include <gtest/gtest.h>

#include <vector>

#include "sfu/stream.h"
#include "sfu_test_support.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::sfu {
namespace {

using media::MediaCodec;
using testing::makeFrame;
using testing::makeH264;

struct EndedListener final : FramePublisherListener {
  void onFramePublisherEnded(const std::string& id, std::string_view reason) override {
    ended.emplace_back(id, std::string(reason));
  }
  std::vector<std::pair<std::string, std::string>> ended;
};

// A frame publisher as the only source of a stream without WebRTC subscribers: what it
// packetizes is seen through its retransmission history.
class FramePublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    publisher.attach(&stream);
    stream.setPublisher(&publisher);
  }
  void TearDown() override { publisher.detach(); }

  // Every packet of `kind` in the history, in sending order (sequence numbers are random,
  // so the run is found by scanning them all).
  std::vector<PacketRef> history(MediaKind kind) {
    std::vector<bool> present(65536);
    for (uint32_t s = 0; s < 65536; ++s)
      present[s] = static_cast<bool>(publisher.findPacket(kind, 0, static_cast<uint16_t>(s)));
    uint32_t first = 0;
    while (first < 65536 && !(present[first] && !present[(first + 65535) % 65536])) ++first;
    std::vector<PacketRef> out;
    if (first == 65536) return out;
    for (uint32_t s = first; present[s % 65536]; ++s)
      out.push_back(publisher.findPacket(kind, 0, static_cast<uint16_t>(s)));
    return out;
  }
  static wire::rtp::RtpPacketView view(const PacketRef& p) {
    return *wire::rtp::RtpPacketView::parse(p->span());
  }

  testing::FakeHost host;
  EndedListener listener;
  Stream stream{"cam"};
  FramePublisher publisher{host, listener, "rtmp-1", "cam", SessionKind::kRtmpPublisher, 42};
};

TEST_F(FramePublisherTest, BecomesAFrameSinkOnlyWhileWebRtcSubscribersWatch) {
  EXPECT_EQ(stream.frameSinkCount(), 0u);
  publisher.onConsumerCountChanged(1);
  EXPECT_EQ(stream.frameSinkCount(), 1u);
  publisher.onConsumerCountChanged(2);
  EXPECT_EQ(stream.frameSinkCount(), 1u);
  publisher.onConsumerCountChanged(0);
  EXPECT_EQ(stream.frameSinkCount(), 0u);
  publisher.pushFrame(makeH264(0, true), false);
  EXPECT_TRUE(history(MediaKind::kVideo).empty());  // nobody watches: no RTP made
}

TEST_F(FramePublisherTest, H264FramesBecomeRtpAt90kHz) {
  publisher.onConsumerCountChanged(1);
  publisher.pushFrame(makeH264(0, true, 3000), false);
  auto key = history(MediaKind::kVideo);
  // STAP-A with SPS and PPS, then the 3000-byte IDR slice in FU-A fragments.
  ASSERT_GE(key.size(), 4u);
  const uint32_t ts0 = view(key[0]).timestamp();
  for (size_t i = 0; i < key.size(); ++i) {
    const auto v = view(key[i]);
    EXPECT_EQ(v.payloadType(), 102);
    EXPECT_EQ(v.timestamp(), ts0);
    EXPECT_EQ(v.marker(), i + 1 == key.size()) << i;
  }
  EXPECT_EQ(view(key[0]).payload()[0] & 0x1f, 24);  // STAP-A
  EXPECT_EQ(view(key[1]).payload()[0] & 0x1f, 28);  // FU-A

  publisher.pushFrame(makeH264(100'000, false, 500), false);
  auto all = history(MediaKind::kVideo);
  ASSERT_EQ(all.size(), key.size() + 1);
  const auto delta = view(all.back());
  EXPECT_EQ(delta.timestamp() - ts0, 9000u);  // 100 ms at 90 kHz
  EXPECT_TRUE(delta.marker());
  EXPECT_EQ(delta.sequenceNumber(), static_cast<uint16_t>(view(key.back()).sequenceNumber() + 1));
  EXPECT_EQ(delta.ssrc(), view(key[0]).ssrc());

  const auto info = publisher.info(0);
  EXPECT_EQ(info.packetsIn, 2u);
  EXPECT_EQ(info.packetsOut, all.size());
  EXPECT_EQ(info.kind, SessionKind::kRtmpPublisher);
}

TEST_F(FramePublisherTest, OpusFramesBecomeRtpAt48kHz) {
  publisher.onConsumerCountChanged(1);
  publisher.pushFrame(makeFrame(MediaCodec::kOpus, 0, true, 80), false);
  publisher.pushFrame(makeFrame(MediaCodec::kOpus, 20'000, true, 80), false);
  auto packets = history(MediaKind::kAudio);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(view(packets[0]).payloadType(), 111);
  EXPECT_EQ(view(packets[1]).timestamp() - view(packets[0]).timestamp(), 960u);
  EXPECT_EQ(view(packets[1]).payloadSize(), 80u);
  EXPECT_TRUE(history(MediaKind::kVideo).empty());
  EXPECT_EQ(publisher.layerCount(MediaKind::kAudio), 1);
  EXPECT_EQ(publisher.layerCount(MediaKind::kVideo), 0);
}

TEST_F(FramePublisherTest, ReorderingH264IsNotPassedToBrowsers) {
  // Without a codec pool no re-encode exists: the RTP side gets no video rather than
  // frames a browser would show out of order.
  publisher.onConsumerCountChanged(1);
  publisher.pushFrame(makeH264(0, true), true);
  EXPECT_TRUE(history(MediaKind::kVideo).empty());
}

TEST_F(FramePublisherTest, SubscriberJoiningMidGopStartsAtTheKeyframe) {
  publisher.pushFrame(makeH264(0, true, 200), false);
  publisher.pushFrame(makeH264(33'333, false, 200), false);
  publisher.onConsumerCountChanged(1);  // the GOP so far is replayed into RTP
  auto packets = history(MediaKind::kVideo);
  ASSERT_EQ(packets.size(), 2u);  // SPS+PPS+IDR in one STAP-A, then the P slice
  EXPECT_EQ(view(packets[0]).payload()[0] & 0x1f, 24);
  EXPECT_TRUE(view(packets[1]).marker());
}

TEST_F(FramePublisherTest, EndSourceReportsOnce) {
  publisher.endSource("replaced");
  publisher.endSource("again");
  ASSERT_EQ(listener.ended.size(), 1u);
  EXPECT_EQ(listener.ended[0], std::make_pair(std::string("rtmp-1"), std::string("replaced")));
  EXPECT_EQ(publisher.info(0).state, "closed");
  publisher.onConsumerCountChanged(1);  // an ended source does not start packetizing
  EXPECT_EQ(stream.frameSinkCount(), 0u);
}

TEST_F(FramePublisherTest, TrackInfoFollowsTheFramesSeen) {
  EXPECT_TRUE(publisher.trackInfo().empty());
  publisher.pushFrame(makeH264(0, true), false);
  publisher.pushFrame(makeFrame(MediaCodec::kAac, 0, true, 10), false);
  const auto tracks = publisher.trackInfo();
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(stream.info(0).publisher, "rtmp-1");
}

}  // namespace
}  // namespace rtcgate::sfu
