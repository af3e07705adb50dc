// REST API credentials, the long-term key (RFC 5769 §2.4 vector) and stateless nonces.
#include "transport/turn/turn_credentials.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/hex.h"
#include "transport/turn/turn_nonce.h"
#include "wire/stun/integrity.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::turn {
namespace {

TEST(RestCredentials, PasswordIsBase64OfHmacSha1OfTheUsername) {
  RestCredentials creds("secret");
  const auto c = creds.mint("alice", 1800000000);
  EXPECT_EQ(c.username, "1800000000:alice");
  // echo -n 1800000000:alice | openssl dgst -sha1 -hmac secret -binary | base64
  EXPECT_EQ(c.password, "F9Z9KM7gUFmGwhyNrUvr6nr+06I=");
  EXPECT_EQ(*creds.passwordFor(c.username), c.password);
  EXPECT_NE(*RestCredentials("other").passwordFor(c.username), c.password);
}

TEST(RestCredentials, ParsesExpiryAndUser) {
  EXPECT_EQ(*RestCredentials::expiryOf("1800000000:alice"), 1800000000);
  EXPECT_EQ(RestCredentials::userOf("1800000000:a:b"), "a:b");
  for (const char* bad : {"alice", ":alice", "1800000000:", "18x:alice", "-5:alice", ""}) {
    EXPECT_FALSE(RestCredentials::expiryOf(bad)) << bad;
    EXPECT_EQ(RestCredentials::userOf(bad), "") << bad;
  }
}

// RFC 5769 §2.4: a request with long-term authentication; the password "TheMatrIX" is
// the SASLprep of the RFC's "The<U+00AD>M<U+00AA>tr<U+2168>".
TEST(LongTermKey, VerifiesTheRfc5769Vector) {
  const auto bytes = fromHex(
      "000100602112a44278ad3433c6ad72c029da412e"
      "00060012e3839ee38388e383aae38383e382afe382b90000"
      "0015001c662f2f3439396b39353464364f4c33346f4c394653547679363473410014000b6578616d706c652e6f726700"
      "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666");
  auto msg = wire::stun::StunMessage::parse(bytes);
  ASSERT_TRUE(msg.ok()) << msg.error().message;
  EXPECT_EQ(*msg->realm(), "example.org");
  const auto key = longTermKey(*msg->username(), *msg->realm(), "TheMatrIX");
  ASSERT_TRUE(key);
  wire::stun::IntegrityKey ik;
  ASSERT_TRUE(ik.setKey({reinterpret_cast<const char*>(key->data()), key->size()}).ok());
  EXPECT_TRUE(wire::stun::verifyMessageIntegrity(*msg, ik).ok());
  const auto wrong = longTermKey(*msg->username(), *msg->realm(), "TheMatrix");
  ASSERT_TRUE(ik.setKey({reinterpret_cast<const char*>(wrong->data()), wrong->size()}).ok());
  EXPECT_FALSE(wire::stun::verifyMessageIntegrity(*msg, ik).ok());
}

TEST(NonceSource, ValidForItsClientUntilItExpires) {
  NonceSource nonces;
  const auto client = *SocketAddress::parse("192.0.2.1", 1000);
  const auto other = *SocketAddress::parse("192.0.2.1", 1001);
  const std::string n = nonces.make(client, 2'000'000);
  EXPECT_EQ(n.size(), 32U);
  EXPECT_TRUE(nonces.valid(n, client, 1'999'999));
  EXPECT_FALSE(nonces.valid(n, client, 2'000'000));
  EXPECT_FALSE(nonces.valid(n, other, 1'000'000));
  EXPECT_FALSE(NonceSource().valid(n, client, 1'000'000));  // another server's key
  std::string forged = n;
  forged[15] = forged[15] == 'f' ? 'e' : 'f';  // a later expiry with the old MAC
  EXPECT_FALSE(nonces.valid(forged, client, 1'000'000));
  EXPECT_FALSE(nonces.valid("short", client, 0));
  EXPECT_FALSE(nonces.valid(std::string(32, 'z'), client, 0));
}

}  // namespace
}  // namespace rtcgate::transport::turn
