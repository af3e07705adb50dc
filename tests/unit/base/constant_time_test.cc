#include "base/constant_time.h"

#include <gtest/gtest.h>

namespace rtcgate {
namespace {

TEST(ConstantTimeEquals, MatchesOnlyTheSameBytes) {
  EXPECT_TRUE(constantTimeEquals("s3cret", "s3cret"));
  EXPECT_FALSE(constantTimeEquals("s3creT", "s3cret"));
  EXPECT_FALSE(constantTimeEquals("x3cret", "s3cret"));
  EXPECT_FALSE(constantTimeEquals("s3cre", "s3cret"));    // a prefix
  EXPECT_FALSE(constantTimeEquals("s3crets", "s3cret"));  // longer
  EXPECT_FALSE(constantTimeEquals("", "s3cret"));
  EXPECT_TRUE(constantTimeEquals("", ""));
  EXPECT_FALSE(constantTimeEquals(std::string_view("s3cret\0", 7), "s3cret"));
}

}  // namespace
}  // namespace rtcgate
