// TurnServer: authentication (401, 438, 441, expired REST usernames), allocation, refresh,
// permissions, channels, expiry, quotas, and relaying only to rtcgate's own media addresses.
#include "transport/turn/turn_server.h"

#include <gtest/gtest.h>

#include "unit/transport/turn/turn_test_client.h"
#include "wire/turn/channel_data.h"

namespace rtcgate::transport::turn {
namespace {

namespace stun = wire::stun;
using stun::StunMethod;
using test::errorOf;
using test::FakeEdge;
using test::TestClient;

constexpr int64_t kNowS = 1'800'000'000;
constexpr int64_t kSecond = 1'000'000;
const std::array<uint8_t, 40> kPayload{};

SocketAddress addr(const char* ip, uint16_t port) {
  return *SocketAddress::parse(ip, port);
}

class TurnServerTest : public ::testing::Test {
 protected:
  TurnServerTest() : server_(options(), edge_) {
    server_.setPeerRoutes({{addr("127.0.0.1", 40000), addr("127.0.0.1", 40000)},
                           {addr("203.0.113.5", 40001), addr("10.0.0.5", 40001)}});
  }
  static TurnOptions options() {
    TurnOptions o;
    o.secret = "s3cret";
    o.maxAllocations = 3;
    o.maxAllocationsPerUser = 2;
    return o;
  }
  TestClient client(uint16_t port, const std::string& user = "alice",
                    ClientTransport transport = ClientTransport::kUdp, int64_t expiresS = kNowS + 3600) {
    TurnClient c{transport, transport == ClientTransport::kUdp ? 0u : port, addr("192.0.2.1", port)};
    return TestClient(server_, edge_, c, RestCredentials("s3cret").mint(user, expiresS), "rtcgate");
  }
  static void udpTransport(stun::StunBuilder& b) { b.addRequestedTransport(17); }
  std::vector<uint8_t> allocate(TestClient& c) { return c.call(StunMethod::kAllocate, udpTransport, now_); }
  static test::Fill peer(const SocketAddress& p) {
    return [p](stun::StunBuilder& b) { b.addXorPeerAddress(p); };
  }
  static test::Fill bind(uint16_t channel, const SocketAddress& p) {
    return [channel, p](stun::StunBuilder& b) {
      b.addChannelNumber(channel);
      b.addXorPeerAddress(p);
    };
  }
  void sendIndication(TestClient& c, const SocketAddress& to) {
    std::array<uint8_t, 256> buf{};
    stun::TransactionId tid{};
    stun::StunBuilder b(buf, static_cast<uint16_t>(StunMethod::kSend), stun::StunClass::kIndication, tid);
    b.addXorPeerAddress(to);
    b.addData(kPayload);
    server_.onClientMessage(c.self(), *b.finish(), now_);
  }

  FakeEdge edge_;
  TurnServer server_;
  int64_t now_ = kNowS * kSecond;
};

TEST_F(TurnServerTest, ARequestWithoutCredentialsIsChallenged) {
  auto c = client(1000);
  auto answer = c.send(StunMethod::kAllocate, udpTransport, now_, false);
  EXPECT_EQ(errorOf(answer), 401);
  auto m = stun::StunMessage::parse(answer);
  EXPECT_EQ(*m->realm(), "rtcgate");
  EXPECT_EQ(m->nonce()->size(), 32U);
  EXPECT_TRUE(m->messageIntegrity().empty());
  EXPECT_EQ(server_.allocationCount(), 0U);
}

TEST_F(TurnServerTest, AllocatesARelayedAddressSignedWithTheLongTermKey) {
  auto c = client(1000);
  auto answer = allocate(c);
  ASSERT_EQ(errorOf(answer), 0);
  auto m = stun::StunMessage::parse(answer);
  EXPECT_EQ(*m->xorRelayedAddress(), addr("127.0.0.1", 50000));
  EXPECT_EQ(*m->lifetime(), 600U);
  EXPECT_EQ(*m->xorMappedAddress(), addr("192.0.2.1", 1000));
  auto key = c.keyOf(c.credential());
  EXPECT_TRUE(stun::verifyMessageIntegrity(*m, key).ok());
  EXPECT_TRUE(stun::verifyFingerprint(*m).ok());
  EXPECT_EQ(server_.allocationCount(), 1U);
  EXPECT_EQ(server_.stats().allocationsCurrent.load(), 1U);
}

TEST_F(TurnServerTest, WrongPasswordExpiredUsernameAndStaleNonceAreRefused) {
  auto wrong = client(1000);
  wrong.credential().password = "not-the-password";
  EXPECT_EQ(errorOf(allocate(wrong)), 401);

  auto expired = client(1001, "bob", ClientTransport::kUdp, kNowS - 1);
  EXPECT_EQ(errorOf(allocate(expired)), 401);

  auto garbage = client(1002);
  garbage.credential().username = "no-expiry";
  EXPECT_EQ(errorOf(allocate(garbage)), 401);

  auto stale = client(1003);
  EXPECT_EQ(errorOf(stale.send(StunMethod::kAllocate, udpTransport, now_, false)), 401);
  now_ += 601 * kSecond;  // past the nonce's lifetime
  EXPECT_EQ(errorOf(stale.send(StunMethod::kAllocate, udpTransport, now_)), 438);
  EXPECT_EQ(errorOf(stale.send(StunMethod::kAllocate, udpTransport, now_)), 0);  // with the new nonce

  auto thief = client(1004);  // a nonce given to another address is stale here
  stale.send(StunMethod::kAllocate, udpTransport, now_, false);
  auto m = stun::StunMessage::parse(edge_.toClient.back().bytes);
  thief.setNonce(std::string(*m->nonce()));
  EXPECT_EQ(errorOf(thief.send(StunMethod::kAllocate, udpTransport, now_)), 438);
  EXPECT_EQ(server_.allocationCount(), 1U);
  EXPECT_GE(server_.stats().refusedAuth.load(), 4U);
}

TEST_F(TurnServerTest, MissingRealmOrNonceIsABadRequest) {
  auto c = client(1000);
  std::array<uint8_t, 256> buf{};
  stun::TransactionId tid{};
  stun::StunBuilder b(buf, static_cast<uint16_t>(StunMethod::kAllocate), stun::StunClass::kRequest, tid);
  b.addRequestedTransport(17);
  b.addUsername(c.credential().username);
  auto key = c.keyOf(c.credential());
  b.addMessageIntegrity(key);
  server_.onClientMessage(c.self(), *b.finish(), now_);
  EXPECT_EQ(errorOf(edge_.toClient.back().bytes), 400);
}

TEST_F(TurnServerTest, AllocateNeedsUdpTransportAndIsOnePer5Tuple) {
  auto c = client(1000);
  EXPECT_EQ(errorOf(c.call(StunMethod::kAllocate, nullptr, now_)), 400);
  EXPECT_EQ(errorOf(c.send(
                StunMethod::kAllocate, [](stun::StunBuilder& b) { b.addRequestedTransport(6); }, now_)),
            442);
  stun::TransactionId tid{};
  EXPECT_EQ(errorOf(c.send(StunMethod::kAllocate, udpTransport, now_, true, &tid)), 0);
  // A retransmission gets the same success; a new Allocate on the 5-tuple is a mismatch.
  EXPECT_EQ(errorOf(c.sendWithTid(StunMethod::kAllocate, udpTransport, now_, true, tid)), 0);
  EXPECT_EQ(errorOf(allocate(c)), 437);
  EXPECT_EQ(edge_.opened.size(), 1U);
}

TEST_F(TurnServerTest, RefreshSetsLifetimeClampsItAndZeroDeletes) {
  auto c = client(1000);
  ASSERT_EQ(errorOf(allocate(c)), 0);
  auto lifetime = [](uint32_t s) { return [s](stun::StunBuilder& b) { b.addLifetime(s); }; };
  auto answer = c.send(StunMethod::kRefresh, lifetime(1200), now_);
  ASSERT_EQ(errorOf(answer), 0);
  EXPECT_EQ(*stun::StunMessage::parse(answer)->lifetime(), 1200U);
  answer = c.send(StunMethod::kRefresh, lifetime(100000), now_);
  EXPECT_EQ(*stun::StunMessage::parse(answer)->lifetime(), 3600U);
  answer = c.send(StunMethod::kRefresh, lifetime(0), now_);
  ASSERT_EQ(errorOf(answer), 0);
  EXPECT_EQ(*stun::StunMessage::parse(answer)->lifetime(), 0U);
  EXPECT_EQ(server_.allocationCount(), 0U);
  EXPECT_EQ(edge_.closed, (std::vector<RelayId>{0}));
  EXPECT_EQ(errorOf(c.send(StunMethod::kRefresh, lifetime(600), now_)), 437);
}

TEST_F(TurnServerTest, AllocationsExpireWithoutRefresh) {
  auto c = client(1000);
  ASSERT_EQ(errorOf(allocate(c)), 0);
  server_.onTimer(now_ + 599 * kSecond);
  EXPECT_EQ(server_.allocationCount(), 1U);
  server_.onTimer(now_ + 600 * kSecond);
  EXPECT_EQ(server_.allocationCount(), 0U);
  EXPECT_EQ(edge_.closed.size(), 1U);
}

TEST_F(TurnServerTest, PermissionsOnlyForOurMediaAddresses) {
  auto c = client(1000);
  ASSERT_EQ(errorOf(allocate(c)), 0);
  EXPECT_EQ(errorOf(c.send(StunMethod::kCreatePermission, peer(addr("8.8.8.8", 53)), now_)), 403);
  EXPECT_EQ(errorOf(c.send(StunMethod::kCreatePermission, peer(addr("127.0.0.1", 22)), now_)), 403);
  EXPECT_EQ(server_.stats().refusedForbiddenPeer.load(), 2U);
  // Without a permission nothing is relayed, whatever the peer.
  sendIndication(c, addr("127.0.0.1", 40000));
  sendIndication(c, addr("8.8.8.8", 53));
  EXPECT_TRUE(edge_.toPeer.empty());
  EXPECT_EQ(errorOf(c.send(StunMethod::kCreatePermission, peer(addr("127.0.0.1", 40000)), now_)), 0);
  sendIndication(c, addr("127.0.0.1", 40000));
  ASSERT_EQ(edge_.toPeer.size(), 1U);
  EXPECT_EQ(edge_.toPeer[0].to, addr("127.0.0.1", 40000));
  EXPECT_EQ(edge_.toPeer[0].bytes.size(), kPayload.size());
  // A permission is per IP, but the relay still goes only to our ports.
  sendIndication(c, addr("127.0.0.1", 22));
  EXPECT_EQ(edge_.toPeer.size(), 1U);
}

TEST_F(TurnServerTest, PeerDataReachesTheClientOnlyWithAPermission) {
  auto c = client(1000);
  ASSERT_EQ(errorOf(allocate(c)), 0);
  const size_t before = edge_.toClient.size();
  server_.onPeerDatagram(0, addr("127.0.0.1", 40000), kPayload, now_);
  EXPECT_EQ(edge_.toClient.size(), before);
  ASSERT_EQ(errorOf(c.send(StunMethod::kCreatePermission, peer(addr("127.0.0.1", 40000)), now_)), 0);
  server_.onPeerDatagram(0, addr("127.0.0.1", 40000), kPayload, now_);
  auto m = stun::StunMessage::parse(edge_.toClient.back().bytes);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->method(), static_cast<uint16_t>(StunMethod::kData));
  EXPECT_EQ(m->messageClass(), stun::StunClass::kIndication);
  EXPECT_EQ(*m->xorPeerAddress(), addr("127.0.0.1", 40000));
  EXPECT_EQ(m->data()->size(), kPayload.size());
  // Another source on the same IP is not one of our media ports: dropped.
  const size_t count = edge_.toClient.size();
  server_.onPeerDatagram(0, addr("127.0.0.1", 40002), kPayload, now_);
  // Permissions last 5 minutes (RFC 8656 §9) unless refreshed.
  c.send(StunMethod::kRefresh, nullptr, now_ + 200 * kSecond);
  server_.onPeerDatagram(0, addr("127.0.0.1", 40000), kPayload, now_ + 301 * kSecond);
  EXPECT_EQ(edge_.toClient.size(), count + 1);  // only the refresh answer
  EXPECT_GE(server_.stats().droppedNoPermission.load(), 3U);
}

TEST_F(TurnServerTest, AdvertisedAddressesAreRelayedToWhereTheyAreBound) {
  auto c = client(1000);
  ASSERT_EQ(errorOf(allocate(c)), 0);
  const auto advertised = addr("203.0.113.5", 40001);
  ASSERT_EQ(errorOf(c.send(StunMethod::kCreatePermission, peer(advertised), now_)), 0);
  sendIndication(c, advertised);
  ASSERT_EQ(edge_.toPeer.size(), 1U);
  EXPECT_EQ(edge_.toPeer[0].to, addr("10.0.0.5", 40001));
  server_.onPeerDatagram(0, addr("10.0.0.5", 40001), kPayload, now_);
  EXPECT_EQ(*stun::StunMessage::parse(edge_.toClient.back().bytes)->xorPeerAddress(), advertised);
}

TEST_F(TurnServerTest, ChannelsCarryDataBothWays) {
  auto c = client(1000);
  ASSERT_EQ(errorOf(allocate(c)), 0);
  const auto media = addr("127.0.0.1", 40000);
  EXPECT_EQ(errorOf(c.send(StunMethod::kChannelBind, bind(0x3000, media), now_)), 400);
  EXPECT_EQ(errorOf(c.send(StunMethod::kChannelBind, bind(0x4000, addr("10.1.1.1", 40000)), now_)), 403);
  ASSERT_EQ(errorOf(c.send(StunMethod::kChannelBind, bind(0x4000, media), now_)), 0);
  EXPECT_EQ(errorOf(c.send(StunMethod::kChannelBind, bind(0x4000, media), now_)), 0);    // refresh
  EXPECT_EQ(errorOf(c.send(StunMethod::kChannelBind, bind(0x4001, media), now_)), 400);  // peer taken

  std::array<uint8_t, 64> frame{};
  auto n = wire::turn::serializeChannelData(0x4000, kPayload, false, frame);
  server_.onClientMessage(c.self(), std::span<const uint8_t>(frame).first(*n), now_);
  ASSERT_EQ(edge_.toPeer.size(), 1U);
  EXPECT_EQ(edge_.toPeer[0].to, media);
  auto unbound = wire::turn::serializeChannelData(0x4002, kPayload, false, frame);
  server_.onClientMessage(c.self(), std::span<const uint8_t>(frame).first(*unbound), now_);
  EXPECT_EQ(edge_.toPeer.size(), 1U);

  server_.onPeerDatagram(0, media, std::span<const uint8_t>(kPayload).first(5), now_);
  auto cd = wire::turn::parseChannelData(edge_.toClient.back().bytes);
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(cd->channel, 0x4000);
  EXPECT_EQ(edge_.toClient.back().bytes.size(), 9U);  // no padding over UDP
  // Channels last 10 minutes: an unrefreshed one carries nothing after that.
  c.send(StunMethod::kRefresh, nullptr, now_ + 500 * kSecond);
  server_.onClientMessage(c.self(), std::span<const uint8_t>(frame).first(*n), now_ + 601 * kSecond);
  EXPECT_EQ(edge_.toPeer.size(), 1U);
}

TEST_F(TurnServerTest, ChannelDataOverTcpIsPaddedAndClosingTheConnectionEndsTheAllocation) {
  auto c = client(1000, "alice", ClientTransport::kTcp);
  ASSERT_EQ(errorOf(allocate(c)), 0);
  const auto media = addr("127.0.0.1", 40000);
  ASSERT_EQ(errorOf(c.send(StunMethod::kChannelBind, bind(0x4000, media), now_)), 0);
  server_.onPeerDatagram(0, media, std::span<const uint8_t>(kPayload).first(5), now_);
  EXPECT_EQ(edge_.toClient.back().bytes.size(), 12U);
  server_.onClientClosed(c.self());
  EXPECT_EQ(server_.allocationCount(), 0U);
  EXPECT_EQ(edge_.closed.size(), 1U);
}

TEST_F(TurnServerTest, QuotasPerUserAndInTotal) {
  auto a1 = client(1001), a2 = client(1002), a3 = client(1003);
  EXPECT_EQ(errorOf(allocate(a1)), 0);
  EXPECT_EQ(errorOf(allocate(a2)), 0);
  EXPECT_EQ(errorOf(allocate(a3)), 486);  // two per user
  auto b1 = client(2001, "bob"), b2 = client(2002, "bob");
  EXPECT_EQ(errorOf(allocate(b1)), 0);
  EXPECT_EQ(errorOf(allocate(b2)), 508);  // three in total
  EXPECT_EQ(server_.stats().refusedQuota.load(), 2U);
  // A freed allocation makes room again.
  a1.send(
      StunMethod::kRefresh, [](stun::StunBuilder& b) { b.addLifetime(0); }, now_);
  EXPECT_EQ(errorOf(allocate(a3)), 0);
}

TEST_F(TurnServerTest, NoRelayedSocketIsInsufficientCapacity) {
  edge_.failOpen = true;
  auto c = client(1000);
  EXPECT_EQ(errorOf(allocate(c)), 508);
  edge_.failOpen = false;
  EXPECT_EQ(errorOf(allocate(c)), 0);
}

TEST_F(TurnServerTest, AnotherUserOnTheSame5TupleGetsWrongCredentials) {
  auto alice = client(1000);
  ASSERT_EQ(errorOf(allocate(alice)), 0);
  auto mallory = client(1000, "mallory");
  EXPECT_EQ(errorOf(mallory.call(StunMethod::kRefresh, nullptr, now_)), 441);
}

TEST_F(TurnServerTest, BandwidthAboveTheQuotaIsDropped) {
  TurnOptions o = options();
  o.maxBitrateAllocation = 1'000'000;  // 125 kB/s, 62.5 kB burst floor 64 KiB
  FakeEdge edge;
  TurnServer server(o, edge);
  server.setPeerRoutes({{addr("127.0.0.1", 40000), addr("127.0.0.1", 40000)}});
  TestClient c(server, edge, TurnClient{ClientTransport::kUdp, 0, addr("192.0.2.1", 1)},
               RestCredentials("s3cret").mint("alice", kNowS + 3600), "rtcgate");
  ASSERT_EQ(errorOf(c.call(StunMethod::kAllocate, udpTransport, now_)), 0);
  ASSERT_EQ(errorOf(c.send(StunMethod::kCreatePermission, peer(addr("127.0.0.1", 40000)), now_)), 0);
  std::array<uint8_t, 1000> big{};
  for (int i = 0; i < 200; ++i) server.onPeerDatagram(0, addr("127.0.0.1", 40000), big, now_);
  EXPECT_GT(server.stats().droppedBandwidth.load(), 100U);
  EXPECT_LT(server.stats().relayedPacketsToClients.load(), 100U);
}

TEST_F(TurnServerTest, UnknownRequiredAttributesGet420AndBindingNeedsNoCredentials) {
  auto c = client(1000);
  auto answer = c.call(
      StunMethod::kAllocate,
      [](stun::StunBuilder& b) {
        b.addRequestedTransport(17);
        b.addRaw(static_cast<uint16_t>(stun::AttributeType::kEvenPort), std::array<uint8_t, 1>{0x80});
      },
      now_);
  EXPECT_EQ(errorOf(answer), 420);
  EXPECT_EQ(server_.allocationCount(), 0U);
  answer = c.send(StunMethod::kBinding, nullptr, now_, false);
  ASSERT_EQ(errorOf(answer), 0);
  EXPECT_EQ(*stun::StunMessage::parse(answer)->xorMappedAddress(), addr("192.0.2.1", 1000));
}

TEST_F(TurnServerTest, GarbageIsCountedAndUnanswered) {
  auto c = client(1000);
  const auto garbage = std::array<uint8_t, 6>{0x00, 0x03, 0x00, 0x04, 0x21, 0x12};
  server_.onClientMessage(c.self(), garbage, now_);
  server_.onClientMessage(c.self(), std::array<uint8_t, 4>{0x40, 0x00, 0x00, 0x08}, now_);
  EXPECT_TRUE(edge_.toClient.empty());
  EXPECT_EQ(server_.stats().droppedMalformed.load(), 2U);
}

}  // namespace
}  // namespace rtcgate::transport::turn
