#include "base/clock.h"

#include <gtest/gtest.h>

#include <chrono>

namespace rtcgate {
namespace {

TEST(Clock, UnixTimeAndNtpAgreeWithTheSystemClock) {
  using namespace std::chrono;
  const int64_t before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const int64_t ms = unixTimeMs();
  const int64_t after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
  // NTP seconds are Unix seconds + 2208988800 (RFC 3550 §4).
  const int64_t ntpSeconds = static_cast<int64_t>(ntpNow() >> 32) - 2'208'988'800;
  EXPECT_NEAR(static_cast<double>(ntpSeconds), static_cast<double>(ms / 1000), 1.0);
}

}  // namespace
}  // namespace rtcgate
