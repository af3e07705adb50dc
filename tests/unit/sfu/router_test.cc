#include "sfu/router.h"

#include <gtest/gtest.h>

#include "crypto/dtls/certificate.h"
#include "support/fixtures.h"
#include "wire/sdp/answer_builder.h"

namespace rtcgate::sfu {
namespace {

// A worker without threads or sockets: fake clock, datagrams recorded.
struct FakeHost : SessionHost {
  FakeHost() {
    auto cert = crypto::dtls::Certificate::generate();
    auto ctx = crypto::dtls::DtlsContext::create(std::shared_ptr<const crypto::dtls::Certificate>(std::move(*cert)), {});
    dtls = std::move(*ctx);
  }
  Clock& clock() override { return fake; }
  PacketPool& pool() override { return packets; }
  crypto::dtls::DtlsContext& dtlsContext() override { return *dtls; }
  transport::webrtc::PeerDemux& demux() override { return peers; }
  void sendDatagram(PacketRef, const SocketAddress&) override { ++sent; }
  void onSessionEnded(Session& s, std::string_view reason) override {
    ended.emplace_back(s.id(), std::string(reason));
    if (router) router->onSessionEnded(s);
  }

  FakeClock fake;
  PacketPool packets{64};
  std::unique_ptr<crypto::dtls::DtlsContext> dtls;
  transport::webrtc::PeerDemux peers;
  Router* router = nullptr;
  int sent = 0;
  std::vector<std::pair<std::string, std::string>> ended;
};

SessionSpec spec(const std::string& id, const char* fixture, bool player) {
  wire::sdp::AnswerOptions o;
  o.iceUfrag = "ufrag" + id;
  o.icePwd = "0123456789012345678901234";
  o.fingerprint = "AA:BB";
  o.candidates.push_back({"127.0.0.1", 4000, "udp"});
  if (player) {
    o.sendTracks.push_back({"", "audio", {11, 0, "c", "s", "a"}});
    o.sendTracks.push_back({"", "video", {22, 23, "c", "s", "v"}});
  }
  auto answer = wire::sdp::AnswerBuilder(o).build(test::readTextFile(std::string("tests/fixtures/sdp/") + fixture));
  EXPECT_TRUE(answer.ok());
  SessionSpec s;
  s.id = id;
  s.stream = "cam";
  s.negotiated = answer->session;
  s.localIce = {o.iceUfrag, o.icePwd};
  return s;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override { host.router = &router; }
  bool live(const std::string& id) { return router.find(id) != nullptr; }
  void tickFor(int64_t ms) {
    for (int64_t t = 0; t < ms; t += 100) {
      host.fake.advanceMs(100);
      router.onTick(host.fake.nowUs());
    }
  }
  FakeHost host;
  Router router{host, 0, 5'000'000};
};

TEST_F(RouterTest, PublisherEndingOnPurposeClosesItsPlayers) {
  ASSERT_TRUE(router.addPublisher(spec("pub", "chromium-sendonly-offer.sdp", false), false).ok());
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  ASSERT_TRUE(router.addSubscriber(spec("p2", "chromium-recvonly-offer.sdp", true)).ok());
  EXPECT_EQ(router.streams().at(0).subscribers, 2u);
  EXPECT_EQ(host.peers.ufragCount(), 3u);
  EXPECT_TRUE(router.closeSession("pub", "DELETE"));
  EXPECT_FALSE(live("pub"));
  EXPECT_FALSE(live("p1"));
  EXPECT_FALSE(live("p2"));
  EXPECT_TRUE(router.streams().empty());
  router.onTick(host.fake.nowUs());  // destroys the ended sessions
  EXPECT_EQ(host.peers.ufragCount(), 0u);
}

TEST_F(RouterTest, SecondPublisherIsRefusedOrReplacesWithoutEndingPlayers) {
  ASSERT_TRUE(router.addPublisher(spec("pub", "chromium-sendonly-offer.sdp", false), false).ok());
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  EXPECT_EQ(router.addPublisher(spec("pub2", "chromium-sendonly-offer.sdp", false), false).error().code,
            Error::Code::kState);
  ASSERT_TRUE(router.addPublisher(spec("pub3", "chromium-sendonly-offer.sdp", false), true).ok());
  EXPECT_FALSE(live("pub"));
  EXPECT_TRUE(live("p1"));
  EXPECT_EQ(router.streams().at(0).publisher, "pub3");
}

TEST_F(RouterTest, LostPublisherLeavesPlayersWaitingForAGracePeriod) {
  ASSERT_TRUE(router.addPublisher(spec("pub", "chromium-sendonly-offer.sdp", false), false).ok());
  tickFor(20'000);
  ASSERT_TRUE(router.addSubscriber(spec("p1", "chromium-recvonly-offer.sdp", true)).ok());
  tickFor(10'100);  // the publisher never connected: it fails (not an intentional end)
  EXPECT_FALSE(live("pub"));
  EXPECT_TRUE(live("p1"));
  tickFor(4'000);
  EXPECT_TRUE(live("p1"));  // still inside the 5 s grace period
  tickFor(1'200);
  EXPECT_FALSE(live("p1"));
  EXPECT_EQ(host.ended.back().second, "the publisher did not come back");
}

}  // namespace
}  // namespace rtcgate::sfu
