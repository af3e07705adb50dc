#include "sfu/stream.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sfu/stream_source.h"
#include "sfu_test_support.h"

namespace rtcgate::sfu {
namespace {

using media::MediaCodec;
using testing::Bytes;
using testing::RecordingSink;
using testing::RtpSender;
using testing::vp8Frame;

// A WebRTC publisher as the stream sees it: two video layers, keyframe requests recorded.
class FakeRtpSource final : public StreamSource {
 public:
  const std::string& sourceId() const noexcept override { return id_; }
  int layerForQuality(MediaKind, Quality quality) const override { return quality == Quality::kHigh ? best : 0; }
  int layerCount(MediaKind) const override { return 2; }
  int lowerLayer(MediaKind, int layer) const override { return layer > 0 ? layer - 1 : 0; }
  uint64_t layerBitrate(MediaKind, int) const override { return 0; }
  PacketRef findPacket(MediaKind, int, uint16_t) const override { return {}; }
  void requestKeyframe(MediaKind kind, int layer) override { keyframeRequests.emplace_back(kind, layer); }
  std::vector<TrackInfo> trackInfo() const override { return {}; }
  void endSource(std::string_view) override {}

  int best = 1;
  std::vector<std::pair<MediaKind, int>> keyframeRequests;

 private:
  std::string id_ = "whip-1";
};

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override { stream.setPublisher(&source); }
  void TearDown() override { stream.endFrameSinks("test over"); }

  void forward(const std::vector<Bytes>& packets, MediaKind kind, int layer,
               std::optional<MediaCodec> codec) {
    for (const auto& bytes : packets) {
      auto view = wire::rtp::RtpPacketView::parse(bytes);
      ASSERT_TRUE(view.ok());
      stream.forward(ForwardedPacket{kind, layer, *view, false, now, codec});
    }
  }
  void video(int layer, bool key, int64_t ptsUs) {
    forward((layer == 1 ? high : low).vp8(vp8Frame(key, 1500, static_cast<uint8_t>(ptsUs / 1000)), ptsUs),
            MediaKind::kVideo, layer, MediaCodec::kVp8);
  }

  FakeRtpSource source;
  Stream stream{"cam"};
  RecordingSink sink{FrameWants{MediaCodec::kVp8, MediaCodec::kOpus, false}};
  RtpSender low{1, 90'000, 0, 0};
  RtpSender high{2, 90'000, 1000, 1000};
  RtpSender mic{3, 48'000, 5, 5};
  int64_t now = 1'000'000;
};

TEST_F(StreamTest, FrameSinkJoiningAsksTheWebRtcPublisherForAKeyframeOfItsBestLayer) {
  EXPECT_TRUE(source.keyframeRequests.empty());
  stream.addFrameSink(&sink);
  ASSERT_EQ(source.keyframeRequests.size(), 1u);
  EXPECT_EQ(source.keyframeRequests[0], std::make_pair(MediaKind::kVideo, 1));
  EXPECT_EQ(stream.frameSinkCount(), 1u);
  EXPECT_FALSE(stream.empty());
}

TEST_F(StreamTest, PublishersPacketsReachFrameSinksFromTheFirstKeyframeOfTheBestLayer) {
  stream.addFrameSink(&sink);
  source.keyframeRequests.clear();
  video(1, false, 0);
  EXPECT_TRUE(sink.log->frames.empty());
  EXPECT_FALSE(source.keyframeRequests.empty());  // asked again while the tap waits
  video(0, true, 0);                              // not the best layer
  EXPECT_TRUE(sink.log->frames.empty());
  video(1, true, 33'333);
  ASSERT_EQ(sink.log->frames.size(), 1u);
  EXPECT_EQ(sink.log->frames[0]->codec, MediaCodec::kVp8);
  EXPECT_TRUE(sink.log->frames[0]->keyframe);
  source.keyframeRequests.clear();
  video(1, false, 66'666);
  EXPECT_EQ(sink.log->count(MediaCodec::kVp8), 2u);
  EXPECT_TRUE(source.keyframeRequests.empty());

  forward({mic.opus({0xfc, 1, 2}, 0)}, MediaKind::kAudio, 0, MediaCodec::kOpus);
  EXPECT_EQ(sink.log->count(MediaCodec::kOpus), 1u);
  // Packets whose codec the stream cannot make frames of are not tapped.
  forward({mic.opus({0xfc, 3, 4}, 20'000)}, MediaKind::kAudio, 0, std::nullopt);
  EXPECT_EQ(sink.log->count(MediaCodec::kOpus), 1u);
}

TEST_F(StreamTest, TapStopsWithTheLastFrameSinkAndRestartsAtAKeyframe) {
  stream.addFrameSink(&sink);
  video(1, true, 0);
  EXPECT_EQ(sink.log->frames.size(), 1u);
  stream.removeFrameSink(&sink);
  EXPECT_EQ(stream.frameSinkCount(), 0u);
  now += 60'000'000;  // a minute without frame sinks: nothing was tapped
  video(1, false, 33'333);
  EXPECT_EQ(sink.log->frames.size(), 1u);

  // A sink joining now gets no stale keyframe from a minute ago on the old tap's clock:
  // it waits for the keyframe it asks for.
  RecordingSink again{FrameWants{MediaCodec::kVp8, MediaCodec::kOpus, false}};
  source.keyframeRequests.clear();
  stream.addFrameSink(&again);
  EXPECT_TRUE(again.log->frames.empty());
  EXPECT_FALSE(source.keyframeRequests.empty());
  video(1, false, 66'666);
  EXPECT_TRUE(again.log->frames.empty());
  video(1, true, 100'000);
  ASSERT_EQ(again.log->frames.size(), 1u);
  EXPECT_TRUE(again.log->frames[0]->keyframe);
  stream.removeFrameSink(&again);
}

TEST_F(StreamTest, InfoCountsFrameSinksAndEndFrameSinksTellsThem) {
  stream.addFrameSink(&sink);
  const auto info = stream.info(3);
  EXPECT_EQ(info.publisher, "whip-1");
  EXPECT_EQ(info.frameSinks, 1u);
  EXPECT_EQ(info.worker, 3u);
  EXPECT_TRUE(info.renditions.empty());
  stream.endFrameSinks("gone");
  EXPECT_EQ(sink.log->endReasons, std::vector<std::string>{"gone"});
  EXPECT_EQ(stream.frameSinkCount(), 0u);
  stream.removePublisher(&source);
  EXPECT_TRUE(stream.empty());
}

TEST_F(StreamTest, NewWebRtcPublisherIsAskedForAKeyframeWhenFrameSinksWait) {
  stream.addFrameSink(&sink);
  stream.removePublisher(&source);
  FakeRtpSource next;
  next.best = 0;
  stream.setPublisher(&next);
  ASSERT_EQ(next.keyframeRequests.size(), 1u);
  EXPECT_EQ(next.keyframeRequests[0], std::make_pair(MediaKind::kVideo, 0));
  stream.endFrameSinks("test over");
  stream.removePublisher(&next);
}

}  // namespace
}  // namespace rtcgate::sfu
