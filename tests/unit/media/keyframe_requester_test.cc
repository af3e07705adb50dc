#include "media/keyframe_requester.h"

#include <gtest/gtest.h>

namespace rtcgate::media {
namespace {

TEST(KeyframeRequesterTest, RateLimitsAndRemembersPending) {
  KeyframeRequester k;
  EXPECT_TRUE(k.request(1'000'000));
  EXPECT_FALSE(k.pending());
  EXPECT_FALSE(k.request(1'100'000));
  EXPECT_FALSE(k.request(1'150'000));  // still one pending, not two
  EXPECT_TRUE(k.pending());
  EXPECT_EQ(k.nextDueUs(), 1'300'000);
  EXPECT_FALSE(k.due(1'299'999));
  EXPECT_TRUE(k.due(1'300'000));
  EXPECT_FALSE(k.due(1'300'000));
  EXPECT_FALSE(k.due(2'000'000));  // nothing pending
  EXPECT_EQ(k.requestsSent(), 2u);
}

TEST(KeyframeRequesterTest, KeyframeSatisfiesPendingWish) {
  KeyframeRequester k;
  EXPECT_TRUE(k.request(0));
  EXPECT_FALSE(k.request(100'000));
  k.onKeyframe();
  EXPECT_FALSE(k.pending());
  EXPECT_FALSE(k.due(400'000));
}

TEST(KeyframeRequesterTest, FirSequenceRepeatsUntilAnswered) {
  KeyframeRequester k(100'000);
  EXPECT_TRUE(k.request(0));
  EXPECT_EQ(k.firSequence(), 0);
  EXPECT_TRUE(k.request(200'000));  // no keyframe yet: a repeat of the same request
  EXPECT_EQ(k.firSequence(), 0);
  k.onKeyframe();
  EXPECT_TRUE(k.request(400'000));  // a new request
  EXPECT_EQ(k.firSequence(), 1);
  for (int i = 0; i < 300; ++i) {
    k.onKeyframe();
    EXPECT_TRUE(k.request(600'000 + i * 100'000));
  }
  EXPECT_EQ(k.firSequence(), uint8_t(301));  // wraps at 8 bits
}

}  // namespace
}  // namespace rtcgate::media
