#include <gtest/gtest.h>

#include "base/log.h"
#include "base/result.h"

namespace rtcgate {
namespace {

TEST(RateLimit, AllowsBurstPerWindow) {
  RateLimit rl(1'000'000, 2);
  EXPECT_TRUE(rl.allow(0));
  EXPECT_TRUE(rl.allow(10));
  EXPECT_FALSE(rl.allow(20));
  EXPECT_FALSE(rl.allow(30));
  EXPECT_TRUE(rl.allow(1'000'001));
  EXPECT_EQ(rl.suppressedLastWindow(), 2u);
}

Result<int> half(int v) {
  if (v % 2) return Error::malformed("odd");
  return v / 2;
}
Status chain(int v) {
  RTCGATE_TRY(half(v));
  return {};
}

TEST(Result, CarriesValueOrError) {
  EXPECT_EQ(*half(4), 2);
  EXPECT_FALSE(half(3).ok());
  EXPECT_STREQ(half(3).error().message, "odd");
  EXPECT_TRUE(chain(2).ok());
  EXPECT_EQ(chain(1).error().code, Error::Code::kMalformed);
  EXPECT_EQ(errorCodeName(Error::Code::kAuthFailed), "auth_failed");
}

}  // namespace
}  // namespace rtcgate
