#include "base/socket_address.h"

#include <gtest/gtest.h>

#include <unordered_set>

namespace rtcgate {
namespace {

TEST(SocketAddress, ParsesAndPrintsBothFamilies) {
  auto v4 = SocketAddress::parse("127.0.0.1", 5000);
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->isIpv4());
  EXPECT_EQ(v4->ipv4Addr(), 0x7f000001u);
  EXPECT_EQ(v4->toString(), "127.0.0.1:5000");
  auto v6 = SocketAddress::parse("::1", 6000);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->toString(), "[::1]:6000");
  EXPECT_FALSE(SocketAddress::parse("not-an-ip", 1));
}

TEST(SocketAddress, EqualityAndHashIgnoreNothingButAddressAndPort) {
  auto a = *SocketAddress::parse("10.0.0.1", 1);
  auto b = SocketAddress::ipv4(0x0a000001, 1);
  EXPECT_EQ(a, b);
  b.setPort(2);
  EXPECT_NE(a, b);
  std::unordered_set<SocketAddress, SocketAddressHash> set{a, b, a};
  EXPECT_EQ(set.size(), 2u);
  auto round = SocketAddress::fromSockaddr(a.sockaddrPtr(), a.sockaddrLen());
  EXPECT_EQ(round, a);
}

// ICE-TCP: the same ip:port over TCP is another path (another key in the demux).
TEST(SocketAddress, TcpPathDiffersFromTheUdpOne) {
  const auto udp = *SocketAddress::parse("10.0.0.1", 9);
  const auto tcp = udp.withTransport(SocketAddress::Transport::kTcp);
  EXPECT_FALSE(udp.isTcp());
  EXPECT_TRUE(tcp.isTcp());
  EXPECT_NE(udp, tcp);
  EXPECT_EQ(tcp.port(), 9);
  EXPECT_EQ(tcp.ipString(), "10.0.0.1");
  EXPECT_EQ(tcp.toString(), "10.0.0.1:9/tcp");
  EXPECT_EQ(tcp.withTransport(SocketAddress::Transport::kUdp), udp);
  std::unordered_set<SocketAddress, SocketAddressHash> set{udp, tcp, tcp};
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace rtcgate
