#include "media/loss_based_bwe.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rtcgate::media {
namespace {

constexpr uint8_t kNoLoss = 0;
constexpr uint8_t kFivePercent = 13;  // 13/256 ≈ 5.1 %
constexpr uint8_t kQuarter = 64;      // 25 %
constexpr uint8_t kAll = 255;

LossBasedBweConfig config(int64_t initial, int64_t min = 100'000, int64_t max = 10'000'000) {
  LossBasedBweConfig c;
  c.initialBps = initial;
  c.minBps = min;
  c.maxBps = max;
  return c;
}

TEST(LossBasedBweTest, StartsAtInitialWithinBounds) {
  EXPECT_EQ(LossBasedBwe(config(1'000'000)).estimateBps(), 1'000'000);
  EXPECT_EQ(LossBasedBwe(config(10, 100'000)).estimateBps(), 100'000);
  EXPECT_EQ(LossBasedBwe(config(50'000'000)).estimateBps(), 10'000'000);
}

TEST(LossBasedBweTest, LowLossGrowsEightPercentPerSecond) {
  LossBasedBwe bwe(config(1'000'000));
  for (int s = 0; s <= 10; ++s) bwe.onReceiverReport(kNoLoss, s * 1'000'000LL);
  EXPECT_NEAR(double(bwe.estimateBps()), 1e6 * std::pow(1.08, 10), 10.0);
}

TEST(LossBasedBweTest, GrowthIsIndependentOfReportRate) {
  LossBasedBwe often(config(1'000'000));
  LossBasedBwe rarely(config(1'000'000));
  for (int i = 0; i <= 20; ++i) often.onReceiverReport(kNoLoss, i * 250'000LL);
  for (int i = 0; i <= 5; ++i) rarely.onReceiverReport(kNoLoss, i * 1'000'000LL);
  EXPECT_NEAR(double(often.estimateBps()), double(rarely.estimateBps()), 10.0);
}

TEST(LossBasedBweTest, ModerateLossHolds) {
  LossBasedBwe bwe(config(1'000'000));
  for (int s = 0; s <= 10; ++s) bwe.onReceiverReport(kFivePercent, s * 1'000'000LL);
  EXPECT_EQ(bwe.estimateBps(), 1'000'000);
}

TEST(LossBasedBweTest, HighLossCutsByHalfTheLoss) {
  LossBasedBwe bwe(config(1'000'000));
  bwe.onReceiverReport(kQuarter, 0);
  EXPECT_EQ(bwe.estimateBps(), 875'000);
}

TEST(LossBasedBweTest, DecreasesAreSpacedByRttPlusHoldOff) {
  LossBasedBwe bwe(config(1'000'000));
  bwe.setRttMs(200);
  bwe.onReceiverReport(kQuarter, 0);
  bwe.onReceiverReport(kQuarter, 100'000);  // same burst, reported again
  EXPECT_EQ(bwe.estimateBps(), 875'000);
  bwe.onReceiverReport(kQuarter, 500'000);
  EXPECT_EQ(bwe.estimateBps(), 765'625);
}

TEST(LossBasedBweTest, ScriptedRecoveryAfterCongestion) {
  LossBasedBwe bwe(config(2'000'000));
  int64_t t = 0;
  for (int i = 0; i < 5; ++i, t += 1'000'000) bwe.onReceiverReport(kAll, t);
  EXPECT_EQ(bwe.estimateBps(), 100'000);  // floored at the minimum
  for (int i = 0; i < 30; ++i, t += 1'000'000) bwe.onReceiverReport(kNoLoss, t);
  EXPECT_NEAR(double(bwe.estimateBps()), 1e5 * std::pow(1.08, 30), 10.0);
  for (int i = 0; i < 100; ++i, t += 1'000'000) bwe.onReceiverReport(kNoLoss, t);
  EXPECT_EQ(bwe.estimateBps(), 10'000'000);  // capped at the maximum
}

TEST(LossBasedBweTest, RembCapsAndReleases) {
  LossBasedBwe bwe(config(1'000'000));
  bwe.onRemb(400'000);
  EXPECT_EQ(bwe.estimateBps(), 400'000);
  bwe.onReceiverReport(kNoLoss, 0);
  bwe.onReceiverReport(kNoLoss, 1'000'000);
  EXPECT_EQ(bwe.estimateBps(), 400'000);
  bwe.onRemb(50'000);  // below the minimum: the minimum wins
  EXPECT_EQ(bwe.estimateBps(), 100'000);
  bwe.onRemb(0);
  bwe.onReceiverReport(kNoLoss, 2'000'000);
  EXPECT_EQ(bwe.estimateBps(), 108'000);
}

TEST(LossBasedBweTest, LongSilenceGrowsOnlyOneSecondsWorth) {
  LossBasedBwe bwe(config(1'000'000));
  bwe.onReceiverReport(kNoLoss, 0);
  bwe.onReceiverReport(kNoLoss, 30'000'000);
  EXPECT_EQ(bwe.estimateBps(), 1'080'000);
}

}  // namespace
}  // namespace rtcgate::media
