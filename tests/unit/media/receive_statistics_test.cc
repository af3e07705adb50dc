#include "media/receive_statistics.h"

#include <gtest/gtest.h>

namespace rtcgate::media {
namespace {

constexpr uint32_t kSsrc = 0x1234;
constexpr uint32_t kVideoRate = 90000;

TEST(ReceiveStatisticsTest, NothingReceivedGivesEmptyBlock) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  auto b = s.makeReportBlock(0);
  EXPECT_EQ(b.sourceSsrc, kSsrc);
  EXPECT_EQ(b.extendedHighestSeq, 0u);
  EXPECT_EQ(b.cumulativeLost, 0);
}

TEST(ReceiveStatisticsTest, InOrderStreamHasNoLoss) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  for (uint16_t i = 0; i < 100; ++i) s.onPacket(uint16_t(1000 + i), 900u * i, 1000, 10'000 * i);
  auto b = s.makeReportBlock(1'000'000);
  EXPECT_EQ(b.extendedHighestSeq, 1099u);
  EXPECT_EQ(b.cumulativeLost, 0);
  EXPECT_EQ(b.fractionLost, 0);
  EXPECT_EQ(b.jitter, 0u);
  EXPECT_EQ(s.packetsReceived(), 100u);
  EXPECT_EQ(s.bytesReceived(), 100'000u);
}

TEST(ReceiveStatisticsTest, FractionLostPerIntervalAndCumulative) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  for (uint16_t i = 0; i < 10; ++i) {
    if (i != 3 && i != 4) s.onPacket(i, 0, 100, 0);
  }
  auto b = s.makeReportBlock(0);
  EXPECT_EQ(b.cumulativeLost, 2);
  EXPECT_EQ(b.fractionLost, 2 * 256 / 10);
  for (uint16_t i = 10; i < 20; ++i) s.onPacket(i, 0, 100, 0);
  b = s.makeReportBlock(0);
  EXPECT_EQ(b.cumulativeLost, 2);
  EXPECT_EQ(b.fractionLost, 0);
  b = s.makeReportBlock(0);  // empty interval
  EXPECT_EQ(b.fractionLost, 0);
}

TEST(ReceiveStatisticsTest, LateArrivalReducesLoss) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  s.onPacket(0, 0, 100, 0);
  s.onPacket(2, 0, 100, 0);
  EXPECT_EQ(s.cumulativeLost(), 1);
  s.onPacket(1, 0, 100, 0);
  EXPECT_EQ(s.cumulativeLost(), 0);
  s.onPacket(1, 0, 100, 0);  // duplicate: RFC 3550 counts it, loss goes negative
  EXPECT_EQ(s.cumulativeLost(), -1);
  EXPECT_EQ(s.makeReportBlock(0).fractionLost, 0);
}

TEST(ReceiveStatisticsTest, ExtendsAcrossWrap) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  for (uint32_t i = 0; i < 12; ++i) s.onPacket(uint16_t(65530 + i), 0, 100, 0);
  EXPECT_EQ(s.extendedHighestSeq(), 65536u + 5u);
  EXPECT_EQ(s.cumulativeLost(), 0);
  s.onPacket(65535, 0, 100, 0);  // reordered from before the wrap: no extra cycle
  EXPECT_EQ(s.extendedHighestSeq(), 65536u + 5u);
}

TEST(ReceiveStatisticsTest, LargeJumpNeedsConfirmationThenRestarts) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  s.onPacket(100, 0, 100, 0);
  s.onPacket(101, 0, 100, 0);
  s.onPacket(20000, 0, 100, 0);  // stray or restart: not believed yet
  EXPECT_EQ(s.extendedHighestSeq(), 101u);
  s.onPacket(20001, 0, 100, 0);  // confirmed: new sequence space
  EXPECT_EQ(s.extendedHighestSeq(), 20001u);
  EXPECT_EQ(s.cumulativeLost(), 0);
}

TEST(ReceiveStatisticsTest, CumulativeLostClampsTo24Bits) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  uint16_t seq = 0;
  for (int i = 0; i < 3000; ++i, seq = uint16_t(seq + 2999)) s.onPacket(seq, 0, 100, 0);
  EXPECT_EQ(s.cumulativeLost(), 0x7fffff);
}

TEST(ReceiveStatisticsTest, JitterFollowsArrivalVariation) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  // A frame every 10 ms (900 ticks), arriving alternately 1 ms early and 1 ms late:
  // every transit difference is 2 ms = 180 ticks, and the estimate converges to it.
  for (int i = 0; i < 400; ++i) {
    const int64_t arrival = 1'000'000 + 10'000 * i + (i % 2 ? 1000 : -1000);
    s.onPacket(uint16_t(i), uint32_t(900 * i), 1000, arrival);
  }
  EXPECT_GE(s.jitter(), 170u);
  EXPECT_LE(s.jitter(), 180u);
}

TEST(ReceiveStatisticsTest, PacketsOfOneFrameDoNotAddJitter) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  // Five packets per frame, paced 1 ms apart; frames every 33 ms in real time.
  uint16_t seq = 0;
  for (int f = 0; f < 50; ++f) {
    for (int p = 0; p < 5; ++p) s.onPacket(seq++, uint32_t(2970 * f), 1200, 33'000 * f + 1000 * p);
  }
  EXPECT_EQ(s.jitter(), 0u);
}

TEST(ReceiveStatisticsTest, LastSrAndDelay) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  s.onPacket(1, 0, 100, 0);
  EXPECT_EQ(s.makeReportBlock(0).lastSr, 0u);
  s.onSenderReport(0x1122334455667788ull, 2'000'000);
  auto b = s.makeReportBlock(2'500'000);
  EXPECT_EQ(b.lastSr, 0x33445566u);
  EXPECT_EQ(b.delaySinceLastSr, 32768u);  // 0.5 s in 1/65536 s
}

TEST(ReceiveStatisticsTest, Bitrate) {
  ReceiveStatistics s(kSsrc, kVideoRate);
  for (int i = 0; i < 100; ++i) s.onPacket(uint16_t(i), 0, 1250, 10'000 * i);
  EXPECT_NEAR(double(s.bitrateBps(990'000)), 1e6, 5e4);
}

}  // namespace
}  // namespace rtcgate::media
