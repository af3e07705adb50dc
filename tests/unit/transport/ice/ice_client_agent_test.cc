// IceClientAgent on its own: which responses it trusts and how it answers peer checks.
#include "transport/ice/ice_client_agent.h"

#include <gtest/gtest.h>

#include "unit/transport/ice/fake_ice_network.h"
#include "wire/stun/builder.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::ice {
namespace {

using test::RecordingListener;
using wire::stun::StunBuilder;
using wire::stun::StunClass;
using wire::stun::StunMessage;

class IceClientAgentTest : public ::testing::Test {
 protected:
  IceClientAgentTest() : agent(clock, listener, config()) {}

  IceClientConfig config() const {
    IceClientConfig c;
    c.local = local;
    c.remote = remote;
    c.remoteAddress = server;
    c.tieBreaker = 1000;
    return c;
  }

  // The success response a server holding `pwd` would send to the last request.
  std::vector<uint8_t> successFor(const std::vector<uint8_t>& request, const std::string& pwd) {
    auto req = StunMessage::parse(request);
    EXPECT_TRUE(req.ok());
    wire::stun::IntegrityKey key;
    EXPECT_TRUE(key.setKey(pwd).ok());
    std::vector<uint8_t> buf(256);
    StunBuilder b(buf, 1, StunClass::kSuccess, req->transactionId());
    b.addXorMappedAddress(*SocketAddress::parse("198.51.100.1", 1));
    b.addMessageIntegrity(key);
    b.addFingerprint();
    buf.resize(b.finish()->size());
    return buf;
  }

  // A request from the peer to us, signed with `pwd`.
  std::vector<uint8_t> peerRequest(const std::string& username, const std::string& pwd,
                                   bool priority = true) {
    wire::stun::IntegrityKey key;
    EXPECT_TRUE(key.setKey(pwd).ok());
    std::vector<uint8_t> buf(256);
    wire::stun::TransactionId tid{9};
    StunBuilder b(buf, 1, StunClass::kRequest, tid);
    b.addUsername(username);
    if (priority) b.addPriority(5);
    b.addIceControlled(1);
    b.addMessageIntegrity(key);
    b.addFingerprint();
    buf.resize(b.finish()->size());
    return buf;
  }

  uint16_t lastAnswerCode() {
    auto m = StunMessage::parse(listener.sent.back().data);
    EXPECT_TRUE(m.ok());
    return m->messageClass() == StunClass::kSuccess ? 200 : m->errorCode()->code;
  }

  FakeClock clock;
  RecordingListener listener;
  IceCredentials local = IceCredentials::generate();
  IceCredentials remote = IceCredentials::generate();
  SocketAddress server = *SocketAddress::parse("203.0.113.10", 3478);
  IceClientAgent agent;
};

TEST_F(IceClientAgentTest, RequestCarriesIceAttributes) {
  agent.start();
  ASSERT_EQ(listener.sent.size(), 1U);
  EXPECT_EQ(listener.sent[0].to, server);
  auto m = StunMessage::parse(listener.sent[0].data);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->isBindingRequest());
  EXPECT_EQ(*m->username(), remote.ufrag + ":" + local.ufrag);
  EXPECT_EQ(*m->priority(), IceClientConfig::kPrflxPriority);
  EXPECT_EQ(*m->iceControlling(), 1000U);
  EXPECT_TRUE(m->useCandidate());
  EXPECT_TRUE(wire::stun::verifyMessageIntegrity(*m, remote.pwd).ok());
  EXPECT_TRUE(wire::stun::verifyFingerprint(*m).ok());
}

TEST_F(IceClientAgentTest, UntrustedResponsesAreIgnored) {
  agent.start();
  const auto request = listener.sent[0].data;
  agent.handleStun(successFor(request, "some-other-password-xxxx"), server);
  EXPECT_EQ(agent.drops().get(IceDropReason::kBadIntegrity), 1U);
  agent.handleStun(successFor(request, remote.pwd), *SocketAddress::parse("203.0.113.99", 3478));
  EXPECT_EQ(agent.drops().get(IceDropReason::kWrongSource), 1U);
  auto otherTid = request;
  otherTid[10] ^= 1;
  agent.handleStun(successFor(otherTid, remote.pwd), server);
  EXPECT_EQ(agent.drops().get(IceDropReason::kStaleTransaction), 1U);
  EXPECT_EQ(agent.state(), IceState::kChecking);
  agent.handleStun(successFor(request, remote.pwd), server);
  EXPECT_EQ(agent.state(), IceState::kConnected);
  EXPECT_EQ(*agent.selected(), server);
}

TEST_F(IceClientAgentTest, AnswersPeerChecks) {
  agent.start();
  listener.sent.clear();
  const auto good = local.ufrag + ":" + remote.ufrag;
  agent.handleStun(peerRequest(good, local.pwd), server);
  EXPECT_EQ(lastAnswerCode(), 200);
  agent.handleStun(peerRequest(good, "wrong-password-wrong-pw"), server);
  EXPECT_EQ(lastAnswerCode(), 401);
  agent.handleStun(peerRequest(remote.ufrag + ":" + local.ufrag, local.pwd), server);
  EXPECT_EQ(lastAnswerCode(), 401);
  agent.handleStun(peerRequest(good, local.pwd, /*priority=*/false), server);
  EXPECT_EQ(lastAnswerCode(), 400);
  EXPECT_TRUE(agent.controlling());  // a controlled peer is no conflict for us
}

TEST_F(IceClientAgentTest, CloseSilencesAgent) {
  agent.start();
  agent.close();
  EXPECT_EQ(agent.state(), IceState::kClosed);
  EXPECT_EQ(agent.nextTimeoutUs(), kNoTimeout);
  const auto before = listener.sent.size();
  agent.handleStun(peerRequest(local.ufrag + ":" + remote.ufrag, local.pwd), server);
  EXPECT_EQ(listener.sent.size(), before);
}

}  // namespace
}  // namespace rtcgate::transport::ice
