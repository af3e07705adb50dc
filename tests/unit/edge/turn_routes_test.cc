// turnPeerRoutes: the built-in TURN server relays to our media ports only, as advertised and as bound.
#include "edge/turn_routes.h"

#include <gtest/gtest.h>

namespace rtcgate::edge {
namespace {

SocketAddress addr(const char* ip, uint16_t port) {
  return *SocketAddress::parse(ip, port);
}

TEST(TurnPeerRoutes, BoundAddressesRouteToThemselves) {
  const auto routes = turnPeerRoutes({addr("127.0.0.1", 40000), addr("127.0.0.1", 40001)}, {});
  ASSERT_EQ(routes.size(), 2U);
  EXPECT_EQ(routes[1].advertised, addr("127.0.0.1", 40001));
  EXPECT_EQ(routes[1].target, addr("127.0.0.1", 40001));
}

TEST(TurnPeerRoutes, AdvertisedIpsRouteToTheBoundPort) {
  const auto routes = turnPeerRoutes({addr("10.0.0.5", 40000)}, {"203.0.113.5", "not-an-ip"});
  ASSERT_EQ(routes.size(), 2U);
  EXPECT_EQ(routes[1].advertised, addr("203.0.113.5", 40000));
  EXPECT_EQ(routes[1].target, addr("10.0.0.5", 40000));
}

TEST(TurnPeerRoutes, AWildcardBindIsReachedOnLoopback) {
  const auto routes = turnPeerRoutes({addr("0.0.0.0", 40000)}, {"198.51.100.7"});
  ASSERT_EQ(routes.size(), 2U);
  EXPECT_EQ(routes[0].advertised, addr("127.0.0.1", 40000));
  EXPECT_EQ(routes[1].advertised, addr("198.51.100.7", 40000));
  EXPECT_EQ(routes[1].target, addr("127.0.0.1", 40000));
}

}  // namespace
}  // namespace rtcgate::edge
