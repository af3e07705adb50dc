#include "api/session_limits.h"

#include <gtest/gtest.h>

namespace rtcgate::api {
namespace {

using Verdict = SessionLimits::Verdict;

TEST(SessionLimits, BurstThenSustainedRate) {
  SessionLimits limits({.sessionsPerSecond = 2, .sessionBurst = 5, .maxPendingPerIp = 1000});
  int64_t now = 1'000'000;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limits.admit("1.2.3.4", "s" + std::to_string(i), now), Verdict::kAdmitted);
  EXPECT_EQ(limits.admit("1.2.3.4", "x", now), Verdict::kRateLimited);
  EXPECT_EQ(limits.retryAfterSeconds("1.2.3.4", now), 1);
  // Another address is not affected.
  EXPECT_EQ(limits.admit("5.6.7.8", "y", now), Verdict::kAdmitted);
  now += 500'000;  // one token back
  EXPECT_EQ(limits.admit("1.2.3.4", "s5", now), Verdict::kAdmitted);
  EXPECT_EQ(limits.admit("1.2.3.4", "s6", now), Verdict::kRateLimited);
  EXPECT_EQ(limits.refused(), 2u);
}

// Sessions that never connect count against their address until they settle.
TEST(SessionLimits, PendingSessionsAreBoundedPerAddress) {
  SessionLimits limits({.sessionsPerSecond = 1000, .sessionBurst = 1000, .maxPendingPerIp = 3});
  const int64_t now = 1'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limits.admit("a", "p" + std::to_string(i), now), Verdict::kAdmitted);
  EXPECT_EQ(limits.admit("a", "p3", now), Verdict::kTooManyPending);
  EXPECT_EQ(limits.pending(), 3u);
  limits.settled("p1");
  limits.settled("p1");  // idempotent
  limits.settled("unknown");
  EXPECT_EQ(limits.pending(), 2u);
  EXPECT_EQ(limits.admit("a", "p4", now), Verdict::kAdmitted);
}

// Many addresses (spoofing is not possible over TCP, but a large network has many): the
// table stays bounded, forgetting idle addresses first and never one with pending sessions.
TEST(SessionLimits, TheAddressTableIsBounded) {
  SessionLimits limits({.sessionsPerSecond = 1, .sessionBurst = 1, .maxPendingPerIp = 5, .maxAddresses = 100});
  const int64_t now = 1'000'000;
  EXPECT_EQ(limits.admit("keep", "k", now), Verdict::kAdmitted);
  for (int i = 0; i < 1000; ++i) {
    limits.admit("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), "s" + std::to_string(i), now);
    limits.settled("s" + std::to_string(i));
  }
  EXPECT_LE(limits.addresses(), 100u);
  // "keep" still has its pending session and its spent bucket.
  EXPECT_EQ(limits.admit("keep", "k2", now), Verdict::kRateLimited);
}

}  // namespace
}  // namespace rtcgate::api
