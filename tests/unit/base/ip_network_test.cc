#include "base/ip_network.h"

#include <gtest/gtest.h>

namespace rtcgate {
namespace {

SocketAddress addr(const char* ip) { return *SocketAddress::parse(ip, 1935); }

TEST(IpNetwork, ParsesAndMatches) {
  auto n = IpNetwork::parse("10.0.0.0/8");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->contains(addr("10.1.2.3")));
  EXPECT_FALSE(n->contains(addr("11.0.0.1")));
  EXPECT_TRUE(n->contains(addr("::ffff:10.9.9.9")));  // IPv4-mapped counts as IPv4
  EXPECT_EQ(n->toString(), "10.0.0.0/8");
  auto odd = IpNetwork::parse("172.16.0.0/12");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(addr("172.31.255.255")));
  EXPECT_FALSE(odd->contains(addr("172.32.0.0")));
  auto v6 = IpNetwork::parse("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains(addr("fd12::1")));
  EXPECT_FALSE(v6->contains(addr("fe80::1")));
  EXPECT_FALSE(v6->contains(addr("10.0.0.1")));
  auto one = IpNetwork::parse("203.0.113.7");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->contains(addr("203.0.113.7")));
  EXPECT_FALSE(one->contains(addr("203.0.113.8")));
  EXPECT_TRUE(IpNetwork::parse("0.0.0.0/0")->contains(addr("8.8.8.8")));
}

TEST(IpNetwork, RejectsBadText) {
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "fd00::/129", "x/8",
                          "10.0.0.0/8x", "10.0.0.0 /8"})
    EXPECT_FALSE(IpNetwork::parse(bad)) << bad;
}

TEST(AddressScope, ClassifiesTheSpecialRanges) {
  EXPECT_EQ(addressScope(addr("8.8.8.8")), AddressScope::kPublic);
  EXPECT_EQ(addressScope(addr("2a00:1450::1")), AddressScope::kPublic);
  EXPECT_EQ(addressScope(addr("127.0.0.1")), AddressScope::kLoopback);
  EXPECT_EQ(addressScope(addr("::1")), AddressScope::kLoopback);
  EXPECT_EQ(addressScope(addr("::ffff:127.0.0.1")), AddressScope::kLoopback);
  for (const char* p : {"10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "fd00::1", "fc00::1"})
    EXPECT_EQ(addressScope(addr(p)), AddressScope::kPrivate) << p;
  EXPECT_EQ(addressScope(addr("::ffff:192.168.0.1")), AddressScope::kPrivate);
  EXPECT_EQ(addressScope(addr("169.254.169.254")), AddressScope::kLinkLocal);
  EXPECT_EQ(addressScope(addr("fe80::1")), AddressScope::kLinkLocal);
  EXPECT_EQ(addressScope(addr("0.0.0.0")), AddressScope::kUnspecified);
  EXPECT_EQ(addressScope(addr("::")), AddressScope::kUnspecified);
  EXPECT_EQ(addressScope(addr("224.0.0.1")), AddressScope::kMulticast);
  EXPECT_EQ(addressScope(addr("ff02::1")), AddressScope::kMulticast);
  for (const char* p : {"255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1", "2001:db8::1", "64:ff9b::a00:1",
                        "2002:a00:1::1"})
    EXPECT_EQ(addressScope(addr(p)), AddressScope::kReserved) << p;
}

}  // namespace
}  // namespace rtcgate
