#include "media/opus_packetizer.h"

#include <gtest/gtest.h>

#include "media/opus_depacketizer.h"
#include "packetizer_test_util.h"

namespace rtcgate::media {
namespace {

constexpr uint32_t kTicks20Ms = 960;

TEST(OpusPacketizerTest, OnePacketPerFrameAsIs) {
  const auto frame = test::pattern(160, 0x78);
  std::array<uint8_t, 1200> buf{};
  auto r = OpusPacketizer::packetize(frame, buf);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, 160u);
  EXPECT_FALSE(r->marker);
  EXPECT_TRUE(std::equal(frame.begin(), frame.end(), buf.begin()));
  std::array<uint8_t, 100> small{};
  EXPECT_EQ(OpusPacketizer::packetize(frame, small).error().code, Error::Code::kNoSpace);
  EXPECT_FALSE(OpusPacketizer::packetize({}, buf).ok());
}

TEST(OpusDepacketizerTest, RoundTripsWithTimestampsAcrossWrap) {
  OpusDepacketizer d;
  std::vector<MediaFrame> frames;
  const uint32_t ts0 = 0xffffffffu - kTicks20Ms;  // the third frame wraps
  std::vector<std::vector<uint8_t>> sent;
  for (uint16_t i = 0; i < 4; ++i) {
    sent.push_back(test::pattern(100 + i, static_cast<uint8_t>(i)));
    std::array<uint8_t, 1200> buf{};
    auto r = OpusPacketizer::packetize(sent.back(), buf);
    ASSERT_TRUE(r.ok());
    d.push(static_cast<uint16_t>(65534 + i), ts0 + i * kTicks20Ms,
           std::span<const uint8_t>(buf.data(), r->size), frames);
  }
  ASSERT_EQ(frames.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(frames[i].codec, MediaCodec::kOpus);
    EXPECT_EQ(frames[i].data, sent[i]);
    EXPECT_EQ(frames[i].ptsUs, static_cast<int64_t>(i) * 20'000);
    EXPECT_TRUE(frames[i].keyframe);
    EXPECT_FALSE(frames[i].afterLoss);
  }
}

TEST(OpusDepacketizerTest, GapMarksNextFrameAndLatePacketsAreDropped) {
  OpusDepacketizer d;
  std::vector<MediaFrame> frames;
  const std::vector<uint8_t> p = {0x78, 0x01};
  d.push(10, 0, p, frames);
  d.push(12, 2 * kTicks20Ms, p, frames);
  d.push(11, kTicks20Ms, p, frames);
  d.push(13, 3 * kTicks20Ms, {}, frames);
  d.push(14, 4 * kTicks20Ms, p, frames);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_TRUE(frames[1].afterLoss);
  EXPECT_EQ(frames[1].ptsUs, 40'000);
  EXPECT_TRUE(frames[2].afterLoss);  // the empty payload counts as lost
  EXPECT_EQ(d.stats().packetsLate, 1u);
  EXPECT_EQ(d.stats().malformed, 1u);
}

}  // namespace
}  // namespace rtcgate::media
