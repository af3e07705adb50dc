// Our ICE candidates: UDP on each advertised address, then (with ICE-TCP) a passive TCP
// candidate on each at the same port number, ranked below every UDP one (RFC 6544 §4.2).
#include "api/local_candidates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "fake_workers.h"
#include "wire/sdp/section_common.h"

namespace rtcgate::api {
namespace {

struct IceTcpWorkers : testing::FakeWorkers {
  SocketAddress tcpAddress(unsigned w) const override {
    return udpAddress(w).withTransport(SocketAddress::Transport::kTcp);
  }
};

TEST(LocalCandidates, UdpOnlyWithoutIceTcp) {
  testing::FakeWorkers workers;
  ApiConfig config;
  const auto c = localCandidates(workers, 1, config);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].transport, "udp");
  EXPECT_EQ(c[0].port, 40001);
}

TEST(LocalCandidates, PassiveTcpPerAdvertisedAddressBelowUdp) {
  IceTcpWorkers workers;
  ApiConfig config;
  config.advertisedIps = {"203.0.113.5", "2001:db8::5"};
  const auto hosts = localCandidates(workers, 0, config);
  ASSERT_EQ(hosts.size(), 4u);
  EXPECT_EQ(hosts[0].transport, "udp");
  EXPECT_EQ(hosts[1].transport, "udp");
  EXPECT_EQ(hosts[2].transport, "tcp");
  EXPECT_EQ(hosts[2].ip, "203.0.113.5");
  EXPECT_EQ(hosts[2].port, 40000);  // the UDP port's number
  EXPECT_EQ(hosts[3].ip, "2001:db8::5");

  const auto lines = wire::sdp::hostCandidates(hosts);
  ASSERT_EQ(lines.size(), 4u);
  uint32_t lowestUdp = UINT32_MAX, highestTcp = 0;
  for (const auto& l : lines) {
    if (l.transport == "udp") lowestUdp = std::min(lowestUdp, l.priority);
    if (l.transport == "tcp") {
      highestTcp = std::max(highestTcp, l.priority);
      EXPECT_EQ(l.tcpType, "passive");
      EXPECT_EQ(l.priority >> 24, 90u);                       // type preference below host UDP's 126
      EXPECT_EQ(((l.priority >> 8) & 0xffff) >> 13, 4u);      // RFC 6544 §4.2 direction-pref, passive
    }
  }
  EXPECT_GT(lowestUdp, highestTcp);
  EXPECT_NE(lines[2].toString().find(" 1 tcp "), std::string::npos);
  EXPECT_NE(lines[2].toString().find("203.0.113.5 40000 typ host tcptype passive"), std::string::npos);
}

}  // namespace
}  // namespace rtcgate::api
