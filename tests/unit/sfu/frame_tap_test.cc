#include "sfu/frame_tap.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <vector>

#include "sfu/stream.h"
#include "sfu_test_support.h"

namespace rtcgate::sfu {
namespace {

using media::MediaCodec;
using media::MediaFrame;
using testing::Bytes;
using testing::RtpSender;
using testing::vp8Frame;

class FrameTapTest : public ::testing::Test {
 protected:
  // Hands packets to the tap as the stream would; returns the frames completed.
  std::vector<MediaFrame> feed(const std::vector<Bytes>& packets, MediaKind kind, int layer,
                               int64_t receivedUs, MediaCodec codec = MediaCodec::kVp8) {
    std::vector<MediaFrame> out;
    for (const auto& bytes : packets) {
      auto view = wire::rtp::RtpPacketView::parse(bytes);
      EXPECT_TRUE(view.ok());
      tap.onPacket(ForwardedPacket{kind, layer, *view, false, receivedUs, codec}, videoLayer, lookup, out);
    }
    return out;
  }
  std::vector<MediaFrame> video(RtpSender& s, int layer, const Bytes& frame, int64_t ptsUs,
                                int64_t receivedUs) {
    return feed(s.vp8(frame, ptsUs), MediaKind::kVideo, layer, receivedUs);
  }

  FrameTap tap;
  const PacketLookup* lookup = nullptr;
  int videoLayer = 1;
  int64_t now = 5'000'000;
};

TEST_F(FrameTapTest, VideoComesOnlyFromTheRequestedLayerWithItsCodec) {
  RtpSender low(1, 90'000, 1000, 100);
  RtpSender high(2, 90'000, 7'000'000, 60'000);
  EXPECT_TRUE(tap.videoNeedsKeyframe());
  EXPECT_TRUE(video(low, 0, vp8Frame(true, 800, 0xa0), 0, now).empty());
  const Bytes key = vp8Frame(true, 2500, 0xb0);  // three packets
  auto frames = video(high, 1, key, 0, now);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].codec, MediaCodec::kVp8);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_EQ(frames[0].data, key);
  EXPECT_FALSE(tap.videoNeedsKeyframe());

  EXPECT_TRUE(video(low, 0, vp8Frame(false, 300, 0xa1), 33'333, now + 33'333).empty());
  const Bytes delta = vp8Frame(false, 400, 0xb1);
  frames = video(high, 1, delta, 33'333, now + 33'333);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_FALSE(frames[0].keyframe);
  EXPECT_EQ(frames[0].data, delta);
}

TEST_F(FrameTapTest, NothingBeforeTheFirstKeyframe) {
  RtpSender s(2, 90'000, 0xfffff000, 65'530);  // both counters wrap on the way
  EXPECT_TRUE(video(s, 1, vp8Frame(false, 1500, 1), 0, now).empty());
  EXPECT_TRUE(tap.videoNeedsKeyframe());
  EXPECT_TRUE(video(s, 1, vp8Frame(false, 1500, 2), 33'333, now).empty());
  EXPECT_TRUE(tap.videoNeedsKeyframe());
  auto frames = video(s, 1, vp8Frame(true, 1500, 3), 66'666, now);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_FALSE(tap.videoNeedsKeyframe());
  EXPECT_EQ(video(s, 1, vp8Frame(false, 1500, 4), 100'000, now).size(), 1u);
}

TEST_F(FrameTapTest, LayerChangeWaitsForAKeyframeOfTheNewLayer) {
  RtpSender low(1, 90'000, 1000, 100);
  RtpSender high(2, 90'000, 5000, 200);
  EXPECT_EQ(video(high, 1, vp8Frame(true, 900, 1), 0, now).size(), 1u);
  EXPECT_TRUE(video(low, 0, vp8Frame(true, 900, 2), 0, now).empty());

  videoLayer = 0;  // the best layer is now the low one (the high one stopped)
  EXPECT_TRUE(video(low, 0, vp8Frame(false, 300, 3), 33'333, now).empty());
  EXPECT_TRUE(tap.videoNeedsKeyframe());
  EXPECT_TRUE(video(high, 1, vp8Frame(false, 300, 4), 33'333, now).empty());
  auto frames = video(low, 0, vp8Frame(true, 900, 5), 66'666, now);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_EQ(frames[0].data.back(), 5);
  EXPECT_FALSE(tap.videoNeedsKeyframe());
}

TEST_F(FrameTapTest, OpusPacketsBecomeOpusFrames) {
  RtpSender s(3, 48'000, 123'456, 10);
  const Bytes packet = {0xfc, 0x01, 0x02, 0x03};
  auto frames = feed({s.opus(packet, 0)}, MediaKind::kAudio, 0, now, MediaCodec::kOpus);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].codec, MediaCodec::kOpus);
  EXPECT_EQ(frames[0].data, packet);
  // Audio in another codec is not tapped.
  EXPECT_TRUE(feed({s.opus(packet, 20'000)}, MediaKind::kAudio, 0, now, MediaCodec::kAac).empty());
}

TEST_F(FrameTapTest, AudioAndVideoAreAlignedByArrival) {
  RtpSender mic(3, 48'000, 4'000'000'000u, 10);
  RtpSender cam(2, 90'000, 77, 500);
  std::vector<MediaFrame> audio;
  std::vector<MediaFrame> video;
  for (int i = 0; i < 10; ++i) {
    const int64_t t = i * 20'000;
    auto a = feed({mic.opus({0xfc, static_cast<uint8_t>(i)}, t)}, MediaKind::kAudio, 0, now + t,
                  MediaCodec::kOpus);
    audio.insert(audio.end(), a.begin(), a.end());
    // The camera's first packet arrives 100 ms after the microphone's; its RTP clock
    // starts wherever it likes.
    if (t == 100'000 || t == 180'000) {
      auto v = this->video(cam, 1, vp8Frame(t == 100'000, 600, 9), t - 100'000, now + t);
      video.insert(video.end(), v.begin(), v.end());
    }
  }
  ASSERT_EQ(audio.size(), 10u);
  ASSERT_EQ(video.size(), 2u);
  for (int i = 0; i < 10; ++i) EXPECT_NEAR(audio[i].ptsUs, i * 20'000, 1);
  EXPECT_NEAR(video[0].ptsUs, 100'000, 1'000);
  EXPECT_NEAR(video[1].ptsUs, 180'000, 1'000);
  EXPECT_EQ(video[1].dtsUs, video[1].ptsUs);
}

// A publisher whose tracks have had sender reports: both clocks say the RTP timestamps
// `audioZero` and `videoZero` were captured at the same NTP time.
class ReportedClocks final : public PacketLookup {
 public:
  ReportedClocks(uint32_t audioZero, uint32_t videoZero) : audio_{audioZero, kNtp}, video_{videoZero, kNtp} {}
  PacketRef findPacket(MediaKind, int, uint16_t) const override { return {}; }
  std::optional<SenderClock> senderClock(MediaKind kind, int) const override {
    return kind == MediaKind::kAudio ? audio_ : video_;
  }

 private:
  static constexpr uint64_t kNtp = (uint64_t{3'900'000'000} << 32) | 0x80000000u;
  SenderClock audio_, video_;
};

// Video reaches the gateway 60 ms later than the audio captured with it (a slow encoder, a
// longer path): arrival alone would put it 60 ms late; the sender reports put it back.
TEST_F(FrameTapTest, AudioAndVideoAreAlignedOnSenderReports) {
  RtpSender mic(3, 48'000, 4'000'000'000u, 10);
  RtpSender cam(2, 90'000, 77, 500);
  ReportedClocks clocks(4'000'000'000u, 77);
  lookup = &clocks;
  std::vector<MediaFrame> audio, video;
  for (int i = 0; i < 15; ++i) {
    const int64_t t = i * 20'000;  // capture time
    auto a = feed({mic.opus({0xfc, static_cast<uint8_t>(i)}, t)}, MediaKind::kAudio, 0, now + t, MediaCodec::kOpus);
    audio.insert(audio.end(), a.begin(), a.end());
    if (t == 100'000 || t == 200'000) {
      auto v = this->video(cam, 1, vp8Frame(t == 100'000, 600, 9), t, now + t + 60'000);
      video.insert(video.end(), v.begin(), v.end());
    }
  }
  ASSERT_EQ(audio.size(), 15u);
  ASSERT_EQ(video.size(), 2u);
  EXPECT_NEAR(audio[5].ptsUs, 100'000, 1);
  EXPECT_NEAR(video[0].ptsUs, 100'000, 100) << "the picture captured with audio frame 5";
  EXPECT_NEAR(video[1].ptsUs, 200'000, 100);
}

// The publisher's history as the tap sees it: every packet that arrived, by sequence number.
class History final : public PacketLookup {
 public:
  void add(const Bytes& bytes) {
    auto view = wire::rtp::RtpPacketView::parse(bytes);
    ASSERT_TRUE(view.ok());
    packets_[view->sequenceNumber()] = pool_.copyOf(bytes);
  }
  PacketRef findPacket(MediaKind, int, uint16_t seq) const override {
    auto it = packets_.find(seq);
    return it == packets_.end() ? PacketRef{} : it->second;
  }

 private:
  PacketPool pool_{64};
  std::map<uint16_t, PacketRef> packets_;
};

class FrameTapOrderTest : public FrameTapTest {
 protected:
  // A packet arriving at `receivedUs`: into the history first, as the publisher does.
  std::vector<MediaFrame> arrive(const Bytes& packet, int64_t receivedUs) {
    history.add(packet);
    return feed({packet}, MediaKind::kVideo, 1, receivedUs);
  }
  History history;
  void SetUp() override { lookup = &history; }
};

TEST_F(FrameTapOrderTest, AFrameWaitsForItsRetransmittedPacket) {
  RtpSender cam(2, 90'000, 0, 100);
  const Bytes key = vp8Frame(true, 2500, 0x11), delta = vp8Frame(false, 900, 0x12);
  const auto k = cam.vp8(key, 0);  // three packets
  const auto d = cam.vp8(delta, 33'333);
  ASSERT_EQ(k.size(), 3u);
  EXPECT_TRUE(arrive(k[0], now).empty());
  // k[1] is lost: k[2] and the next frame wait in the history.
  EXPECT_TRUE(arrive(k[2], now + 1'000).empty());
  EXPECT_TRUE(arrive(d[0], now + 33'000).empty());
  // The retransmission 60 ms later completes both frames, in order.
  const auto frames = arrive(k[1], now + 60'000);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].data, key);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_EQ(frames[1].data, delta);
  EXPECT_FALSE(frames[1].afterLoss);
  EXPECT_EQ(tap.gapsGivenUp(), 0u);
}

TEST_F(FrameTapOrderTest, AGapNobodyFillsIsGivenUpAfterTheWait) {
  RtpSender cam(2, 90'000, 0, 65'534);  // across the sequence number wrap
  const Bytes key = vp8Frame(true, 500, 0x21);
  ASSERT_EQ(arrive(cam.vp8(key, 0)[0], now).size(), 1u);
  const auto lost = cam.vp8(vp8Frame(false, 2500, 0x22), 33'333);  // three packets, one lost
  const Bytes next = vp8Frame(false, 400, 0x23);
  const auto after = cam.vp8(next, 66'666);
  EXPECT_TRUE(arrive(lost[0], now + 33'000).empty());
  EXPECT_TRUE(arrive(lost[2], now + 34'000).empty());
  EXPECT_TRUE(arrive(after[0], now + 66'000).empty());  // still waiting for lost[1]
  // The wait is over: the broken frame is dropped, the next one comes out after the loss.
  const auto frames = arrive(cam.vp8(vp8Frame(false, 300, 0x24), 100'000)[0],
                             now + 34'000 + FrameTap::kMaxGapWaitUs);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].data, next);
  EXPECT_TRUE(frames[0].afterLoss);
  EXPECT_EQ(tap.gapsGivenUp(), 1u);
  // The retransmission arriving after that is too late and changes nothing.
  EXPECT_TRUE(arrive(lost[1], now + 300'000).empty());
}

}  // namespace
}  // namespace rtcgate::sfu
