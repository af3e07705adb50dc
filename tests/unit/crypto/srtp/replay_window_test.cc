#include "crypto/srtp/replay_window.h"

#include <gtest/gtest.h>

namespace rtcgate::crypto::srtp {
namespace {

using Verdict = ReplayWindow::Verdict;

TEST(ReplayWindowTest, SlidesAndRemembers) {
  ReplayWindow w;
  EXPECT_EQ(w.check(1000), Verdict::kNewer);
  w.accept(1000);
  EXPECT_EQ(w.check(1000), Verdict::kReplay);
  EXPECT_EQ(w.check(999), Verdict::kInside);
  EXPECT_EQ(w.check(1001), Verdict::kNewer);
  w.accept(999);
  EXPECT_EQ(w.check(999), Verdict::kReplay);
  EXPECT_EQ(w.check(1000 - 63), Verdict::kInside);
  EXPECT_EQ(w.check(1000 - 64), Verdict::kTooOld);
  w.accept(1010);
  EXPECT_EQ(w.check(1000), Verdict::kReplay);
  EXPECT_EQ(w.check(999), Verdict::kReplay);
  EXPECT_EQ(w.check(1005), Verdict::kInside);
  w.accept(1010 + 200);  // a jump past the window clears it
  EXPECT_EQ(w.check(1010 + 199), Verdict::kInside);
  EXPECT_EQ(w.check(1010), Verdict::kTooOld);
}

ReplayWindow at(uint64_t highest) {
  ReplayWindow w;
  w.accept(highest);
  return w;
}

uint64_t estimate(const ReplayWindow& w, uint16_t seq) {
  uint64_t index = 0;
  EXPECT_TRUE(estimateRtpIndex(w, seq, index));
  return index;
}

// RFC 3711 Appendix A: the three ROC guesses.
TEST(EstimateRtpIndexTest, RolloverGuesses) {
  EXPECT_EQ(estimate(ReplayWindow{}, 65530), 65530u);  // first packet: ROC 0
  EXPECT_EQ(estimate(at(65530), 65535), 65535u);
  EXPECT_EQ(estimate(at(65530), 2), 65536u + 2);      // wrapped: ROC + 1
  EXPECT_EQ(estimate(at(65536 + 3), 65533), 65533u);  // late from before the wrap: ROC - 1
  EXPECT_EQ(estimate(at((5ull << 16) | 100), 50), (5ull << 16) | 50);
  EXPECT_EQ(estimate(at((5ull << 16) | 40000), 7232), (5ull << 16) | 7232);
  EXPECT_EQ(estimate(at((5ull << 16) | 40000), 7231), (6ull << 16) | 7231);
}

TEST(EstimateRtpIndexTest, RefusesNegativeRoc) {
  uint64_t index = 0;
  EXPECT_FALSE(estimateRtpIndex(at(100), 65000, index));
  EXPECT_FALSE(estimateRtpIndex(at((0xffffffffull << 16) | 65000), 3, index));
}

}  // namespace
}  // namespace rtcgate::crypto::srtp
