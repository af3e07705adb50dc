// IceClientAgent against IceLiteAgent over a fake network: connect, failures, mobility,
// restart, consent and retransmission.
#include <gtest/gtest.h>

#include "unit/transport/ice/fake_ice_network.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::ice {
namespace {

using test::FakeIceNetwork;
using test::RecordingListener;

TEST(IceAgents, ClientConnectsToLite) {
  FakeIceNetwork net;
  net.connect();
  EXPECT_EQ(net.client.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
  ASSERT_EQ(net.liteListener.selected.size(), 1U);
  EXPECT_EQ(net.liteListener.selected[0], net.clientMapped);
  ASSERT_EQ(net.clientListener.selected.size(), 1U);
  EXPECT_EQ(net.clientListener.selected[0], net.liteAddr);
  ASSERT_EQ(net.liteListener.states.size(), 2U);
  EXPECT_EQ(net.liteListener.states[0].first, IceState::kChecking);
  EXPECT_EQ(net.liteListener.states[1].second, "nominated");
  EXPECT_EQ(net.clientListener.lastReason(), "check succeeded");
  EXPECT_EQ(net.lite.drops().total(), 0U);
  EXPECT_EQ(net.client.drops().total(), 0U);
}

TEST(IceAgents, LiteResponseCarriesMappedAddress) {
  FakeIceNetwork net;
  net.client.start();
  ASSERT_EQ(net.clientListener.sent.size(), 1U);
  auto req = net.clientListener.sent.front().data;
  net.clientListener.sent.clear();
  net.lite.handleStun(req, net.clientMapped);
  ASSERT_EQ(net.liteListener.sent.size(), 1U);
  auto resp = wire::stun::StunMessage::parse(net.liteListener.sent.front().data);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->messageClass(), wire::stun::StunClass::kSuccess);
  EXPECT_EQ(*resp->xorMappedAddress(), net.clientMapped);
  EXPECT_TRUE(wire::stun::verifyMessageIntegrity(*resp, net.liteCreds.pwd).ok());
  EXPECT_TRUE(wire::stun::verifyFingerprint(*resp).ok());
}

TEST(IceAgents, WrongPasswordIsRejected) {
  FakeIceNetwork net({}, /*wrongPassword=*/true);
  net.connect();
  EXPECT_EQ(net.client.state(), IceState::kFailed);
  EXPECT_EQ(net.clientListener.lastReason(), "check rejected: unauthorized");
  EXPECT_EQ(net.lite.state(), IceState::kNew);
  EXPECT_EQ(net.lite.drops().get(IceDropReason::kBadIntegrity), 1U);
  EXPECT_TRUE(net.liteListener.selected.empty());
}

TEST(IceAgents, ControlledClientIsToldToTakeControl) {
  IceClientConfig cfg;
  cfg.controlling = false;
  FakeIceNetwork net(cfg);
  net.connect();
  EXPECT_EQ(net.lite.drops().get(IceDropReason::kRoleConflict), 1U);
  EXPECT_TRUE(net.client.controlling());
  EXPECT_EQ(net.client.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
}

TEST(IceAgents, RetransmitsDroppedRequest) {
  FakeIceNetwork net;
  net.dropClientToLite = 1;
  net.connect();
  EXPECT_EQ(net.client.state(), IceState::kChecking);
  EXPECT_EQ(net.client.nextTimeoutUs(), net.clock.nowUs() + 100'000);
  net.runFor(99'000);
  EXPECT_EQ(net.client.requestsSent(), 1U);
  net.runFor(2'000);
  EXPECT_EQ(net.client.requestsSent(), 2U);
  EXPECT_EQ(net.client.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
}

TEST(IceAgents, RetransmissionScheduleAndTimeout) {
  FakeIceNetwork net;
  net.blackhole = true;
  const int64_t start = net.clock.nowUs();
  net.connect();
  std::vector<int64_t> sendTimes{0};
  while (net.client.state() == IceState::kChecking) {
    const auto before = net.client.requestsSent();
    net.runFor(net.client.nextTimeoutUs() - net.clock.nowUs());
    if (net.client.requestsSent() != before) sendTimes.push_back((net.clock.nowUs() - start) / 1000);
  }
  // 100, 200, 400 then capped at 500 ms; 7 sends, then 1.6 s final wait.
  EXPECT_EQ(sendTimes, (std::vector<int64_t>{0, 100, 300, 700, 1200, 1700, 2200}));
  EXPECT_EQ((net.clock.nowUs() - start) / 1000, 3800);
  EXPECT_EQ(net.client.state(), IceState::kFailed);
  EXPECT_EQ(net.clientListener.lastReason(), "connectivity checks timed out");
}

TEST(IceAgents, ConsentChecksKeepBothSidesAlive) {
  FakeIceNetwork net;
  net.connect();
  const int before = net.clientToLite;
  net.runFor(120'000'000);
  EXPECT_EQ(net.client.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
  // One check every 4..6 s over two minutes.
  EXPECT_GE(net.clientToLite - before, 120 / 6);
  EXPECT_LE(net.clientToLite - before, 120 / 4 + 1);
}

TEST(IceAgents, ConsentExpiresOnBothSidesAfter30s) {
  FakeIceNetwork net;
  net.connect();
  const int64_t connectedAt = net.clock.nowUs();
  net.blackhole = true;
  net.runFor(29'900'000);
  EXPECT_EQ(net.client.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
  net.runFor(200'000);
  EXPECT_EQ(net.client.state(), IceState::kFailed);
  EXPECT_EQ(net.lite.state(), IceState::kFailed);
  EXPECT_EQ(net.clientListener.lastReason(), "consent expired");
  EXPECT_EQ(net.liteListener.lastReason(), "consent expired");
  EXPECT_EQ(net.clock.nowUs() - connectedAt, 30'100'000);
  EXPECT_EQ(net.lite.nextTimeoutUs(), kNoTimeout);
  EXPECT_EQ(net.client.nextTimeoutUs(), kNoTimeout);
}

TEST(IceAgents, LiteFollowsNatRebindingOnNextConsentCheck) {
  FakeIceNetwork net;
  net.connect();
  const auto oldMapped = net.clientMapped;
  net.clientMapped = *SocketAddress::parse("198.51.100.7", 50123);
  net.runFor(7'000'000);
  ASSERT_EQ(net.liteListener.selected.size(), 2U);
  EXPECT_EQ(net.liteListener.selected[0], oldMapped);
  EXPECT_EQ(net.liteListener.selected[1], net.clientMapped);
  EXPECT_EQ(*net.lite.selected(), net.clientMapped);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
  EXPECT_EQ(net.client.state(), IceState::kConnected);
}

TEST(IceAgents, ClientNetworkChangeSwitchesPathAtOnce) {
  FakeIceNetwork net;
  net.connect();
  net.clientMapped = *SocketAddress::parse("2001:db8::5", 40000);
  net.client.localAddressChanged();
  net.pump();
  EXPECT_EQ(*net.lite.selected(), net.clientMapped);
  EXPECT_EQ(net.liteListener.selected.size(), 2U);
  EXPECT_EQ(net.client.state(), IceState::kConnected);
}

TEST(IceAgents, ClientFollowsServerToNewAddress) {
  FakeIceNetwork net;
  net.connect();
  net.liteAddr = *SocketAddress::parse("203.0.113.11", 3478);
  net.client.setRemoteAddress(net.liteAddr);
  net.pump();
  ASSERT_EQ(net.clientListener.selected.size(), 2U);
  EXPECT_EQ(net.clientListener.selected[1], net.liteAddr);
  EXPECT_EQ(net.client.state(), IceState::kConnected);
}

TEST(IceAgents, IceRestartKeepsPathUntilNewCredentialsNominate) {
  FakeIceNetwork net;
  net.connect();
  const auto oldLite = net.liteCreds;
  const auto newLite = IceCredentials::generate();
  const auto newClient = IceCredentials::generate();
  net.lite.restart(newLite, newClient);
  // The old credentials still work until the peer restarts too.
  net.runFor(7'000'000);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.localCredentials().ufrag, oldLite.ufrag);
  EXPECT_EQ(net.lite.drops().total(), 0U);

  net.client.restart(newClient, newLite);
  net.pump();
  EXPECT_EQ(net.lite.localCredentials().ufrag, newLite.ufrag);
  EXPECT_EQ(net.client.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
  EXPECT_EQ(net.liteListener.selected.size(), 1U);  // same path, no reselection
  net.runFor(40'000'000);
  EXPECT_EQ(net.client.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.state(), IceState::kConnected);
  EXPECT_EQ(net.lite.drops().total(), 0U);
}

TEST(IceAgents, OldCredentialsRejectedAfterRestartCompletes) {
  FakeIceNetwork net;
  net.client.start();
  const auto oldRequest = net.clientListener.sent.front().data;
  net.pump();
  const auto newLite = IceCredentials::generate();
  const auto newClient = IceCredentials::generate();
  net.lite.restart(newLite, newClient);
  net.client.restart(newClient, newLite);
  net.pump();
  net.lite.handleStun(oldRequest, net.clientMapped);
  EXPECT_EQ(net.lite.drops().get(IceDropReason::kUnknownUsername), 1U);
  auto resp = wire::stun::StunMessage::parse(net.liteListener.sent.back().data);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->errorCode()->code, 401);
}

// Two full agents, both starting controlling: the tie-breaker decides (RFC 8445 §7.3.1.1).
TEST(IceAgents, TwoClientsResolveRoleConflict) {
  FakeClock clock;
  RecordingListener la, lb;
  const auto ca = IceCredentials::generate();
  const auto cb = IceCredentials::generate();
  const auto addrA = *SocketAddress::parse("10.0.0.1", 1000);
  const auto addrB = *SocketAddress::parse("10.0.0.2", 2000);
  IceClientConfig cfgA{.local = ca, .remote = cb, .remoteAddress = addrB, .tieBreaker = 200};
  IceClientConfig cfgB{.local = cb, .remote = ca, .remoteAddress = addrA, .tieBreaker = 100};
  IceClientAgent a(clock, la, cfgA);
  IceClientAgent b(clock, lb, cfgB);
  a.start();
  b.start();
  for (int i = 0; i < 20 && !(la.sent.empty() && lb.sent.empty()); ++i) {
    while (!la.sent.empty()) {
      auto d = std::move(la.sent.front());
      la.sent.pop_front();
      b.handleStun(d.data, addrA);
    }
    while (!lb.sent.empty()) {
      auto d = std::move(lb.sent.front());
      lb.sent.pop_front();
      a.handleStun(d.data, addrB);
    }
  }
  EXPECT_TRUE(a.controlling());
  EXPECT_FALSE(b.controlling());
  EXPECT_EQ(a.state(), IceState::kConnected);
  EXPECT_EQ(b.state(), IceState::kConnected);
  EXPECT_EQ(lb.lastReason(), "nominated by peer");
  // B switched on A's check (lower tie-breaker); A answered B's stale controlling check with 487.
  EXPECT_EQ(a.drops().get(IceDropReason::kRoleConflict), 1U);
  EXPECT_EQ(b.drops().get(IceDropReason::kStaleTransaction), 1U);
}

}  // namespace
}  // namespace rtcgate::transport::ice
