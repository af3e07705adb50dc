#include "media/nack_generator.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "base/clock.h"

namespace rtcgate::media {
namespace {

class NackGeneratorTest : public ::testing::Test {
 protected:
  std::vector<uint16_t> collect() {
    std::array<uint16_t, 64> out{};
    const size_t n = nack_.collect(clock_.nowUs(), out);
    return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)};
  }
  NackGenerator::Arrival packet(uint16_t seq, bool keyframe = false) {
    return nack_.onPacket(seq, keyframe, clock_.nowUs());
  }
  FakeClock clock_;
  NackGenerator nack_;
};

TEST_F(NackGeneratorTest, InOrderStreamNacksNothing) {
  for (uint16_t s = 0; s < 100; ++s) {
    EXPECT_EQ(packet(s), NackGenerator::Arrival::kNew);
    clock_.advanceMs(5);
  }
  EXPECT_TRUE(collect().empty());
  EXPECT_EQ(nack_.missingCount(), 0u);
}

TEST_F(NackGeneratorTest, ReorderingWithinWindowIsNotNacked) {
  packet(10);
  packet(12);  // 11 late, not lost
  EXPECT_TRUE(collect().empty());
  clock_.advanceMs(2);
  EXPECT_EQ(packet(11), NackGenerator::Arrival::kRecovered);
  clock_.advanceMs(50);
  EXPECT_TRUE(collect().empty());
}

TEST_F(NackGeneratorTest, GapIsNackedAfterReorderDelay) {
  packet(10);
  packet(13);
  EXPECT_TRUE(collect().empty());
  clock_.advanceMs(10);
  EXPECT_EQ(collect(), (std::vector<uint16_t>{11, 12}));
  EXPECT_EQ(nack_.counters().missingDetected, 2u);
  EXPECT_EQ(nack_.counters().nacksSent, 2u);
}

TEST_F(NackGeneratorTest, GapIsNackedAtOnceWhenEnoughLaterPacketsArrived) {
  packet(10);
  packet(12);
  packet(13);
  packet(14);
  EXPECT_EQ(collect(), (std::vector<uint16_t>{11}));
}

TEST_F(NackGeneratorTest, RetriesAreSpacedByRttAndCapped) {
  NackConfig cfg;
  cfg.maxRetries = 3;
  NackGenerator nack(cfg);
  nack.setRttMs(50);
  std::array<uint16_t, 8> out{};
  int64_t t = 0;
  nack.onPacket(1, false, t);
  nack.onPacket(3, false, t);
  t += 10'000;
  EXPECT_EQ(nack.collect(t, out), 1u);
  t += 30'000;  // less than the RTT: no retry yet
  EXPECT_EQ(nack.collect(t, out), 0u);
  t += 20'000;
  EXPECT_EQ(nack.collect(t, out), 1u);
  t += 50'000;
  EXPECT_EQ(nack.collect(t, out), 1u);
  t += 50'000;
  EXPECT_EQ(nack.collect(t, out), 0u);  // third retry was the last
  EXPECT_EQ(nack.missingCount(), 0u);
  EXPECT_EQ(nack.counters().givenUp, 1u);
}

TEST_F(NackGeneratorTest, MinimumRetrySpacingWithoutRtt) {
  packet(1);
  packet(3);
  clock_.advanceMs(10);
  EXPECT_EQ(collect().size(), 1u);
  clock_.advanceMs(19);
  EXPECT_TRUE(collect().empty());
  clock_.advanceMs(1);
  EXPECT_EQ(collect().size(), 1u);
}

TEST_F(NackGeneratorTest, OldEntriesAreGivenUp) {
  packet(1);
  packet(3);
  clock_.advanceMs(1001);
  EXPECT_TRUE(collect().empty());
  EXPECT_EQ(nack_.counters().givenUp, 1u);
}

TEST_F(NackGeneratorTest, RecoveredPacketsAreNotNackedAgain) {
  packet(1);
  packet(5);
  clock_.advanceMs(10);
  EXPECT_EQ(collect(), (std::vector<uint16_t>{2, 3, 4}));
  EXPECT_EQ(packet(3), NackGenerator::Arrival::kRecovered);  // e.g. via RTX
  EXPECT_EQ(packet(3), NackGenerator::Arrival::kOld);        // duplicate
  clock_.advanceMs(20);
  EXPECT_EQ(collect(), (std::vector<uint16_t>{2, 4}));
  EXPECT_EQ(nack_.counters().recovered, 1u);
}

TEST_F(NackGeneratorTest, HandlesWraparound) {
  packet(65533);
  packet(1);
  clock_.advanceMs(10);
  EXPECT_EQ(collect(), (std::vector<uint16_t>{65534, 65535, 0}));
  EXPECT_EQ(packet(65535), NackGenerator::Arrival::kRecovered);
}

TEST_F(NackGeneratorTest, OverflowClearsAndAsksForKeyframe) {
  NackConfig cfg;
  cfg.maxMissing = 10;
  NackGenerator nack(cfg);
  nack.onPacket(0, false, 0);
  nack.onPacket(6, false, 0);  // 5 missing
  EXPECT_FALSE(nack.takeKeyframeRequest());
  nack.onPacket(13, false, 0);  // 6 more: 11 > 10
  EXPECT_EQ(nack.missingCount(), 0u);
  EXPECT_TRUE(nack.takeKeyframeRequest());
  EXPECT_FALSE(nack.takeKeyframeRequest());
  EXPECT_EQ(nack.counters().listOverflows, 1u);
}

TEST_F(NackGeneratorTest, KeyframeDropsOlderLosses) {
  packet(1);
  packet(4);
  EXPECT_EQ(nack_.missingCount(), 2u);
  packet(6, /*keyframe=*/true);
  EXPECT_EQ(nack_.missingCount(), 1u);  // only 5 matters now
  clock_.advanceMs(10);
  EXPECT_EQ(collect(), (std::vector<uint16_t>{5}));
}

TEST_F(NackGeneratorTest, OutputSpanLimitsOneCollect) {
  packet(0);
  packet(20);
  clock_.advanceMs(10);
  std::array<uint16_t, 4> out{};
  EXPECT_EQ(nack_.collect(clock_.nowUs(), out), 4u);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(nack_.collect(clock_.nowUs(), out), 4u);  // the next ones, not yet sent
  EXPECT_EQ(out[0], 5);
}

}  // namespace
}  // namespace rtcgate::media
