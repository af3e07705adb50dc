// ByteBudget: a token bucket of bytes with a half-second burst, at wall-clock timestamps.
#include "transport/turn/byte_budget.h"

#include <gtest/gtest.h>

namespace rtcgate::transport::turn {
namespace {

constexpr int64_t kUnixUs = 1'800'000'000'000'000;  // wall-clock microseconds: no overflow

TEST(ByteBudget, BurstThenRefillAtTheRate) {
  ByteBudget b(8'000'000);  // 1 MB/s, 500 kB burst
  EXPECT_TRUE(b.take(500'000, kUnixUs));
  EXPECT_FALSE(b.take(1, kUnixUs));
  EXPECT_FALSE(b.take(2000, kUnixUs + 1000));  // 1 ms refills 1000 bytes
  EXPECT_TRUE(b.take(1000, kUnixUs + 1000));
  EXPECT_TRUE(b.take(500'000, kUnixUs + 3'600'000'000));  // an hour later: just the burst
  EXPECT_FALSE(b.take(1, kUnixUs + 3'600'000'000));
}

TEST(ByteBudget, ZeroIsUnlimitedAndRefundsGiveBack) {
  ByteBudget unlimited;
  EXPECT_TRUE(unlimited.take(1'000'000'000, kUnixUs));
  ByteBudget b(1'000'000);  // 64 KiB burst floor
  EXPECT_TRUE(b.take(65536, kUnixUs));
  EXPECT_FALSE(b.take(100, kUnixUs));
  b.refund(100);
  EXPECT_TRUE(b.take(100, kUnixUs));
}

}  // namespace
}  // namespace rtcgate::transport::turn
