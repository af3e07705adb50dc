#include "net/client_limiter.h"

#include <gtest/gtest.h>

namespace rtcgate::net {
namespace {

using Verdict = ClientLimiter::Verdict;

SocketAddress ip(const char* text, uint16_t port = 1234) { return *SocketAddress::parse(text, port); }

ClientLimits limits(double rate, double burst, size_t open) {
  ClientLimits l;
  l.connectionsPerSecond = rate;
  l.connectionBurst = burst;
  l.maxOpenPerClient = open;
  l.exemptLoopback = false;
  return l;
}

TEST(ClientLimiter, BurstThenRate) {
  FakeClock clock;
  ClientLimiter limiter(limits(2, 3, 100), clock);
  std::vector<ClientSlot> slots(10);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.admit(ip("192.0.2.1"), slots[i]), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("192.0.2.1"), slots[3]), Verdict::kRateLimited);
  // Another address has its own bucket.
  EXPECT_EQ(limiter.admit(ip("192.0.2.2"), slots[4]), Verdict::kAdmit);
  clock.advanceMs(499);
  EXPECT_EQ(limiter.admit(ip("192.0.2.1"), slots[5]), Verdict::kRateLimited);
  clock.advanceMs(1);  // 2 per second: one token after 500 ms
  EXPECT_EQ(limiter.admit(ip("192.0.2.1"), slots[5]), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("192.0.2.1"), slots[6]), Verdict::kRateLimited);
  clock.advanceMs(60'000);  // the bucket refills to its size, not beyond
  for (int i = 0; i < 3; ++i) {
    ClientSlot s;
    EXPECT_EQ(limiter.admit(ip("192.0.2.1"), s), Verdict::kAdmit);
  }
  ClientSlot s;
  EXPECT_EQ(limiter.admit(ip("192.0.2.1"), s), Verdict::kRateLimited);
}

TEST(ClientLimiter, OpenConnectionsAreCappedUntilReleased) {
  FakeClock clock;
  ClientLimiter limiter(limits(1000, 1000, 2), clock);
  ClientSlot a, b, c;
  EXPECT_EQ(limiter.admit(ip("198.51.100.7"), a), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("198.51.100.7", 99), b), Verdict::kAdmit);  // the port does not matter
  EXPECT_EQ(limiter.admit(ip("198.51.100.7"), c), Verdict::kTooManyOpen);
  a = ClientSlot{};  // one closes
  EXPECT_EQ(limiter.admit(ip("198.51.100.7"), c), Verdict::kAdmit);
  ClientSlot moved(std::move(c));  // moving a slot keeps one count
  ClientSlot d;
  EXPECT_EQ(limiter.admit(ip("198.51.100.7"), d), Verdict::kTooManyOpen);
}

TEST(ClientLimiter, Ipv6CountsPerSlash64AndMappedIpv4AsIpv4) {
  FakeClock clock;
  ClientLimiter limiter(limits(1000, 1000, 1), clock);
  ClientSlot a, b, c, d;
  EXPECT_EQ(limiter.admit(ip("2001:db8:1:2::1"), a), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("2001:db8:1:2:ffff::9"), b), Verdict::kTooManyOpen);  // same /64
  EXPECT_EQ(limiter.admit(ip("2001:db8:1:3::1"), b), Verdict::kAdmit);             // another /64
  EXPECT_EQ(limiter.admit(ip("203.0.113.5"), c), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("::ffff:203.0.113.5"), d), Verdict::kTooManyOpen);
}

TEST(ClientLimiter, LoopbackIsExemptUnlessConfigured) {
  FakeClock clock;
  ClientLimits l = limits(1, 1, 1);
  l.exemptLoopback = true;
  ClientLimiter limiter(l, clock);
  std::vector<ClientSlot> slots(5);
  for (auto& s : slots) EXPECT_EQ(limiter.admit(ip("127.0.0.1"), s), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("::1"), slots[0]), Verdict::kAdmit);
  EXPECT_EQ(limiter.trackedClients(), 0u);
}

TEST(ClientLimiter, TableIsBoundedAndIdleEntriesMakeRoom) {
  FakeClock clock;
  ClientLimits l = limits(10, 2, 5);
  l.maxTrackedClients = 3;
  ClientLimiter limiter(l, clock);
  ClientSlot held1, held2, held3, x;
  EXPECT_EQ(limiter.admit(ip("192.0.2.1"), held1), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("192.0.2.2"), held2), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("192.0.2.3"), held3), Verdict::kAdmit);
  EXPECT_EQ(limiter.admit(ip("192.0.2.4"), x), Verdict::kTableFull);  // all three hold a connection
  held3 = ClientSlot{};
  EXPECT_EQ(limiter.admit(ip("192.0.2.4"), x), Verdict::kTableFull);  // closed, but its bucket is not full yet
  clock.advanceMs(1000);
  EXPECT_EQ(limiter.admit(ip("192.0.2.4"), x), Verdict::kAdmit);  // .3 was idle and refilled: dropped
  EXPECT_EQ(limiter.trackedClients(), 3u);
}

TEST(ClientLimiter, SlotOutlivesLimiter) {
  FakeClock clock;
  ClientSlot slot;
  {
    ClientLimiter limiter(limits(1, 1, 1), clock);
    EXPECT_EQ(limiter.admit(ip("192.0.2.9"), slot), Verdict::kAdmit);
  }
  slot = ClientSlot{};  // releases into the shared entry, not into a dead limiter
}

}  // namespace
}  // namespace rtcgate::net
