#include "media/rate_window.h"

#include <gtest/gtest.h>

namespace rtcgate::media {
namespace {

TEST(RateWindowTest, SteadyRate) {
  RateWindow w;
  // 1250 bytes every 10 ms = 1 Mbit/s.
  int64_t t = 0;
  for (int i = 0; i < 300; ++i, t += 10'000) w.add(1250, t);
  const uint64_t bps = w.bitrateBps(t);
  EXPECT_GE(bps, 950'000u);
  EXPECT_LE(bps, 1'050'000u);
}

TEST(RateWindowTest, DecaysToZeroAfterSilence) {
  RateWindow w;
  w.add(1000, 0);
  EXPECT_EQ(w.bitrateBps(0), 8000u);
  EXPECT_EQ(w.bitrateBps(999'999), 8000u);
  EXPECT_EQ(w.bitrateBps(1'050'000), 0u);
  EXPECT_EQ(w.bitrateBps(60'000'000), 0u);
  w.add(500, 60'000'000);
  EXPECT_EQ(w.bitrateBps(60'000'000), 4000u);
}

}  // namespace
}  // namespace rtcgate::media
