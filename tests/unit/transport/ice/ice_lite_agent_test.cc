// IceLiteAgent answers to hand-built requests: every error path and the drop counters.
#include "transport/ice/ice_lite_agent.h"

#include <gtest/gtest.h>

#include "unit/transport/ice/fake_ice_network.h"
#include "wire/stun/builder.h"
#include "wire/stun/classify.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::ice {
namespace {

using test::RecordingListener;
using wire::stun::StunBuilder;
using wire::stun::StunClass;
using wire::stun::StunMessage;

// What a request to the lite agent contains; each test changes one thing.
struct RequestSpec {
  std::string username;
  std::string pwd;
  bool integrity = true;
  bool fingerprint = true;
  bool priority = true;
  bool controlling = true;
  bool controlled = false;
  bool useCandidate = false;
  uint16_t method = 1;
  StunClass cls = StunClass::kRequest;
  uint16_t extraType = 0;
};

std::vector<uint8_t> buildRequest(const RequestSpec& s) {
  std::vector<uint8_t> buf(512);
  wire::stun::TransactionId tid{};
  tid[0] = 0x42;
  StunBuilder b(buf, s.method, s.cls, tid);
  if (!s.username.empty()) b.addUsername(s.username);
  if (s.priority) b.addPriority(0x6e7f1eff);
  if (s.controlling) b.addIceControlling(0x1111);
  if (s.controlled) b.addIceControlled(0x2222);
  if (s.useCandidate) b.addUseCandidate();
  const uint8_t netInfo[4] = {0, 1, 0, 10};
  b.addRaw(0xC057, netInfo);  // GOOG-NETWORK-INFO, as Chromium sends
  if (s.extraType != 0) b.addRaw(s.extraType, netInfo);
  wire::stun::IntegrityKey key;
  EXPECT_TRUE(key.setKey(s.pwd).ok());
  if (s.integrity) b.addMessageIntegrity(key);
  if (s.fingerprint) b.addFingerprint();
  auto out = b.finish();
  EXPECT_TRUE(out.ok());
  return {out->begin(), out->end()};
}

class IceLiteAgentTest : public ::testing::Test {
 protected:
  RequestSpec valid(bool nominate = false) const {
    RequestSpec s;
    s.username = local.ufrag + ":" + remote.ufrag;
    s.pwd = local.pwd;
    s.useCandidate = nominate;
    return s;
  }
  // Sends one request; returns the parsed response or nullopt if none was sent.
  std::optional<uint16_t> exchange(const RequestSpec& s, const SocketAddress& from) {
    const size_t before = listener.sent.size();
    const auto bytes = buildRequest(s);
    agent.handleStun(bytes, from);
    if (listener.sent.size() == before) return std::nullopt;
    auto m = StunMessage::parse(listener.sent.back().data);
    EXPECT_TRUE(m.ok());
    EXPECT_EQ(listener.sent.back().to, from);
    return m->messageClass() == StunClass::kSuccess ? uint16_t{200} : m->errorCode()->code;
  }

  FakeClock clock;
  RecordingListener listener;
  IceCredentials local = IceCredentials::generate();
  IceCredentials remote = IceCredentials::generate();
  IceLiteAgent agent{clock, listener, local, remote};
  SocketAddress peer = *SocketAddress::parse("192.0.2.50", 61000);
};

TEST_F(IceLiteAgentTest, GeneratedCredentialsAreLongEnough) {
  EXPECT_GE(local.ufrag.size(), 4U);
  EXPECT_GE(local.pwd.size(), 22U);
  EXPECT_NE(local.pwd, remote.pwd);
}

TEST_F(IceLiteAgentTest, ChecksWithoutNominationDoNotSelect) {
  EXPECT_EQ(exchange(valid(), peer), 200);
  EXPECT_EQ(agent.state(), IceState::kChecking);
  EXPECT_FALSE(agent.selected());
  EXPECT_EQ(exchange(valid(true), peer), 200);
  EXPECT_EQ(agent.state(), IceState::kConnected);
  EXPECT_EQ(*agent.selected(), peer);
}

TEST_F(IceLiteAgentTest, ErrorAnswers) {
  auto s = valid();
  s.priority = false;
  EXPECT_EQ(exchange(s, peer), 400);
  s = valid();
  s.integrity = false;
  EXPECT_EQ(exchange(s, peer), 400);
  s = valid();
  s.username = remote.ufrag + ":" + local.ufrag;  // reversed
  EXPECT_EQ(exchange(s, peer), 401);
  s = valid();
  s.pwd = "not-the-password-at-all";
  EXPECT_EQ(exchange(s, peer), 401);
  s = valid();
  s.extraType = 0x7F01;
  EXPECT_EQ(exchange(s, peer), 420);
  s = valid();
  s.controlling = false;
  s.controlled = true;
  EXPECT_EQ(exchange(s, peer), 487);
  s = valid();
  s.method = 0x003;  // Allocate: not for us
  EXPECT_EQ(exchange(s, peer), 400);
  EXPECT_EQ(agent.state(), IceState::kNew);
  EXPECT_EQ(agent.drops().get(IceDropReason::kBadRequest), 3U);
  EXPECT_EQ(agent.drops().get(IceDropReason::kUnknownUsername), 1U);
  EXPECT_EQ(agent.drops().get(IceDropReason::kBadIntegrity), 1U);
  EXPECT_EQ(agent.drops().get(IceDropReason::kUnknownAttribute), 1U);
  EXPECT_EQ(agent.drops().get(IceDropReason::kRoleConflict), 1U);
}

TEST_F(IceLiteAgentTest, UnknownAttributeAnswerListsIt) {
  auto s = valid();
  s.extraType = 0x7F01;
  agent.handleStun(buildRequest(s), peer);
  auto m = StunMessage::parse(listener.sent.back().data);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->unknownAttributesCount(), 1U);
  EXPECT_EQ(m->unknownAttributeAt(0), 0x7F01);
  EXPECT_TRUE(wire::stun::verifyMessageIntegrity(*m, local.pwd).ok());
}

TEST_F(IceLiteAgentTest, JunkAndBadFingerprintAreDroppedSilently) {
  const uint8_t junk[] = {0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4};
  agent.handleStun(junk, peer);
  auto s = valid(true);
  s.fingerprint = false;
  agent.handleStun(buildRequest(s), peer);
  auto bytes = buildRequest(valid(true));
  bytes.back() ^= 0xFF;
  agent.handleStun(bytes, peer);
  s = valid();
  s.cls = StunClass::kSuccess;
  agent.handleStun(buildRequest(s), peer);
  s.cls = StunClass::kIndication;
  agent.handleStun(buildRequest(s), peer);
  EXPECT_TRUE(listener.sent.empty());
  EXPECT_EQ(agent.drops().get(IceDropReason::kMalformed), 1U);
  EXPECT_EQ(agent.drops().get(IceDropReason::kBadFingerprint), 2U);
  EXPECT_EQ(agent.drops().get(IceDropReason::kUnexpectedMessage), 1U);
  EXPECT_EQ(agent.state(), IceState::kNew);
}

TEST_F(IceLiteAgentTest, OnlySelectedPathRefreshesConsent) {
  exchange(valid(true), peer);
  const auto other = *SocketAddress::parse("192.0.2.99", 5000);
  clock.advanceMs(20'000);
  exchange(valid(), other);  // a check on another pair, not nominated
  clock.advanceMs(10'000);
  EXPECT_EQ(agent.nextTimeoutUs(), clock.nowUs());
  agent.onTimer();
  EXPECT_EQ(agent.state(), IceState::kFailed);
  EXPECT_EQ(listener.lastReason(), "consent expired");
  EXPECT_FALSE(exchange(valid(true), peer));  // failed agents stay silent
  EXPECT_EQ(agent.drops().get(IceDropReason::kInactive), 1U);
}

// A peer that stops checking after nomination (libnice) stays alive while its
// authenticated media and keepalive indications arrive on the selected path.
TEST_F(IceLiteAgentTest, MediaKeepsAPeerWithoutConsentChecksAlive) {
  exchange(valid(true), peer);
  ASSERT_EQ(agent.state(), IceState::kConnected);
  for (int s = 0; s < 60; ++s) {
    clock.advanceMs(1'000);
    agent.onAuthenticatedMedia(clock.nowUs());
    agent.onTimer();
  }
  EXPECT_EQ(agent.state(), IceState::kConnected);
  EXPECT_FALSE(agent.peerChecksConsent());
  // Media stops: 30 s later it is gone.
  clock.advanceMs(30'000);
  agent.onTimer();
  EXPECT_EQ(agent.state(), IceState::kFailed);
  EXPECT_EQ(listener.lastReason(), "consent expired");
}

TEST_F(IceLiteAgentTest, IndicationsOnlyFromTheSelectedPathKeepAlive) {
  exchange(valid(true), peer);
  auto indication = valid();
  indication.cls = StunClass::kIndication;
  indication.integrity = false;
  const auto other = *SocketAddress::parse("192.0.2.99", 5000);
  clock.advanceMs(25'000);
  const auto bytes = buildRequest(indication);
  agent.handleStun(bytes, other);
  clock.advanceMs(5'000);
  EXPECT_EQ(agent.nextTimeoutUs(), clock.nowUs());  // the other path's indication did nothing
  agent.handleStun(bytes, peer);
  clock.advanceMs(20'000);
  agent.onTimer();
  EXPECT_EQ(agent.state(), IceState::kConnected);
}

// A peer that does consent checks (a browser) is governed by them: media alone no longer
// keeps it once its checks stop.
TEST_F(IceLiteAgentTest, ConsentCheckingPeerIsGovernedByItsChecks) {
  exchange(valid(true), peer);
  clock.advanceMs(5'000);
  exchange(valid(), peer);  // a consent check
  EXPECT_TRUE(agent.peerChecksConsent());
  for (int s = 0; s < 31; ++s) {
    clock.advanceMs(1'000);
    agent.onAuthenticatedMedia(clock.nowUs());
    agent.onTimer();
  }
  EXPECT_EQ(agent.state(), IceState::kFailed);
}

// Retransmitted checks of the nomination itself do not make a peer a consent checker.
TEST_F(IceLiteAgentTest, NominationRetransmissionsAreNotConsentChecks) {
  exchange(valid(true), peer);
  clock.advanceMs(500);
  exchange(valid(true), peer);
  EXPECT_FALSE(agent.peerChecksConsent());
}

TEST_F(IceLiteAgentTest, RestartAfterFailureStartsOver) {
  exchange(valid(true), peer);
  clock.advanceMs(31'000);
  agent.onTimer();
  ASSERT_EQ(agent.state(), IceState::kFailed);
  local = IceCredentials::generate();
  remote = IceCredentials::generate();
  agent.restart(local, remote);
  EXPECT_EQ(agent.state(), IceState::kNew);
  EXPECT_EQ(exchange(valid(true), peer), 200);
  EXPECT_EQ(agent.state(), IceState::kConnected);
}

TEST_F(IceLiteAgentTest, CloseStopsEverything) {
  exchange(valid(true), peer);
  agent.close();
  EXPECT_EQ(agent.state(), IceState::kClosed);
  EXPECT_EQ(agent.nextTimeoutUs(), kNoTimeout);
  EXPECT_FALSE(exchange(valid(true), peer));
}

TEST_F(IceLiteAgentTest, ClassifierRoutesFirstPacketByUfrag) {
  const auto bytes = buildRequest(valid(true));
  EXPECT_TRUE(wire::stun::looksLikeStun(bytes));
  EXPECT_EQ(wire::stun::recipientUfrag(bytes), agent.localCredentials().ufrag);
}

}  // namespace
}  // namespace rtcgate::transport::ice
