#include "edge/turn_routes.h"

#include <algorithm>

namespace rtcgate::edge {

namespace {
bool isWildcard(const SocketAddress& a) {
  const std::string ip = a.ipString();
  return ip == "0.0.0.0" || ip == "::";
}
}  // namespace

std::vector<transport::turn::PeerRoute> turnPeerRoutes(const std::vector<SocketAddress>& bound,
                                                       const std::vector<std::string>& advertisedIps) {
  std::vector<transport::turn::PeerRoute> routes;
  auto add = [&](const SocketAddress& advertised, const SocketAddress& target) {
    const bool seen =
        std::any_of(routes.begin(), routes.end(), [&](const auto& r) { return r.advertised == advertised; });
    if (!seen) routes.push_back({advertised, target});
  };
  for (const auto& b : bound) {
    SocketAddress target = b;
    if (isWildcard(b)) target = *SocketAddress::parse(b.isIpv6() ? "::1" : "127.0.0.1", b.port());
    add(target, target);
    for (const auto& ip : advertisedIps) {
      if (auto a = SocketAddress::parse(ip, b.port())) add(*a, target);
    }
  }
  return routes;
}

}  // namespace rtcgate::edge
