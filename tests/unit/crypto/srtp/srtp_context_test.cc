#include "crypto/srtp/srtp_context.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "unit/crypto/srtp/srtp_test_packets.h"

namespace rtcgate::crypto::srtp {
namespace {

std::vector<uint8_t> material(SrtpProfile p) {
  std::vector<uint8_t> m(keyingMaterialLength(p));
  std::iota(m.begin(), m.end(), uint8_t{1});
  return m;
}

// RFC 5764 §4.2: client_key | server_key | client_salt | server_salt.
TEST(SrtpContextTest, SplitsKeyingMaterial) {
  const auto m = material(SrtpProfile::kAeadAes128Gcm);
  ASSERT_EQ(m.size(), 56u);
  auto keys = splitKeyingMaterial(SrtpProfile::kAeadAes128Gcm, m);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->client.key[0], 1);
  EXPECT_EQ(keys->server.key[0], 17);
  EXPECT_EQ(keys->client.saltSpan().size(), 12u);
  EXPECT_EQ(keys->client.salt[0], 33);
  EXPECT_EQ(keys->server.salt[0], 45);
  EXPECT_EQ(keys->server.saltSpan().back(), 56);

  auto cm =
      splitKeyingMaterial(SrtpProfile::kAes128CmHmacSha1_80, material(SrtpProfile::kAes128CmHmacSha1_80));
  ASSERT_TRUE(cm.ok());
  EXPECT_EQ(cm->client.salt[0], 33);
  EXPECT_EQ(cm->server.salt[0], 47);
  EXPECT_FALSE(
      splitKeyingMaterial(SrtpProfile::kAeadAes128Gcm, material(SrtpProfile::kAes128CmHmacSha1_80)).ok());
}

TEST(SrtpContextTest, ClientAndServerTalkToEachOther) {
  for (auto profile : {SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAes128CmHmacSha1_80}) {
    const auto m = material(profile);
    auto client = SrtpContext::create(profile, m, true);
    auto server = SrtpContext::create(profile, m, false);
    ASSERT_TRUE(client.ok() && server.ok());
    auto plain = test::makeRtp(10, 5);
    auto packet = plain;
    packet.resize(plain.size() + SrtpSession::kMaxOverhead);
    auto out = client->outbound().protectRtp(packet, plain.size());
    ASSERT_TRUE(out.ok());
    auto copy = packet;
    // The client's own inbound session uses the server key, so it must reject it.
    EXPECT_EQ(client->inbound().unprotectRtp(copy, *out).error().code, Error::Code::kAuthFailed);
    auto in = server->inbound().unprotectRtp(packet, *out);
    ASSERT_TRUE(in.ok());
    packet.resize(*in);
    EXPECT_EQ(packet, plain);

    auto rtcp = test::makeRtcp(5);
    const size_t length = rtcp.size();
    rtcp.resize(length + SrtpSession::kMaxOverhead);
    auto rout = server->outbound().protectRtcp(rtcp, length);
    ASSERT_TRUE(rout.ok());
    EXPECT_TRUE(client->inbound().unprotectRtcp(rtcp, *rout).ok());
  }
}

}  // namespace
}  // namespace rtcgate::crypto::srtp
