#include "edge/egress_policy.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rtcgate::edge {
namespace {

SocketAddress addr(const char* ip) { return *SocketAddress::parse(ip, 1935); }

// By default a push reaches public addresses and loopback, nothing inside the network.
TEST(EgressPolicy, DefaultAllowsPublicAndLoopbackOnly) {
  EgressPolicy p;
  EXPECT_FALSE(p.refusal(addr("8.8.8.8")));
  EXPECT_FALSE(p.refusal(addr("127.0.0.1")));
  EXPECT_FALSE(p.refusal(addr("::1")));
  for (const char* inside : {"10.1.2.3", "192.168.0.10", "172.20.0.1", "169.254.169.254", "fe80::1", "fd00::5",
                             "0.0.0.0", "224.0.0.251", "::ffff:169.254.169.254"}) {
    auto why = p.refusal(addr(inside));
    ASSERT_TRUE(why) << inside;
    EXPECT_NE(why->find("egress_allowed_networks"), std::string::npos);
  }
}

TEST(EgressPolicy, ConfiguredNetworksAreAllowed) {
  EgressPolicy p({"10.20.0.0/16", "fd00::/8"});
  EXPECT_FALSE(p.refusal(addr("10.20.3.4")));
  EXPECT_TRUE(p.refusal(addr("10.21.0.1")));
  EXPECT_FALSE(p.refusal(addr("fd00::5")));
  EXPECT_TRUE(p.refusal(addr("169.254.169.254")));
  EgressPolicy noLoopback({}, false);
  EXPECT_TRUE(noLoopback.refusal(addr("127.0.0.1")));
  EXPECT_THROW(EgressPolicy({"10.0.0.0/40"}), std::invalid_argument);
}

}  // namespace
}  // namespace rtcgate::edge
