// MESSAGE-INTEGRITY and FINGERPRINT against RFC 5769, plus rejection reasons.
#include "wire/stun/integrity.h"

#include <gtest/gtest.h>

#include "unit/wire/stun/rfc5769_vectors.h"
#include "wire/stun/crc32.h"

namespace rtcgate::wire::stun {
namespace {

using test::kRfc5769Password;

TEST(Crc32, KnownValues) {
  const std::string_view s = "123456789";
  EXPECT_EQ(crc32({reinterpret_cast<const uint8_t*>(s.data()), s.size()}), 0xCBF43926U);
  EXPECT_EQ(crc32({}), 0U);
  // Incremental equals one-shot.
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  EXPECT_EQ(crc32({p + 4, 5}, crc32({p, 4})), 0xCBF43926U);
}

TEST(StunIntegrity, Rfc5769VectorsVerify) {
  for (const auto& bytes :
       {test::rfc5769Request(), test::rfc5769Ipv4Response(), test::rfc5769Ipv6Response()}) {
    auto m = StunMessage::parse(bytes);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(verifyFingerprint(*m).ok());
    auto st = verifyMessageIntegrity(*m, kRfc5769Password);
    EXPECT_TRUE(st.ok()) << st.error().message;
  }
}

TEST(StunIntegrity, WrongPasswordRejectedWithReason) {
  const auto bytes = test::rfc5769Request();
  auto m = StunMessage::parse(bytes);
  ASSERT_TRUE(m.ok());
  auto st = verifyMessageIntegrity(*m, "VOkJxbRl1RmTxUk/WvJxBT");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Error::Code::kAuthFailed);
  EXPECT_STREQ(st.error().message, "MESSAGE-INTEGRITY mismatch");
}

TEST(StunIntegrity, EveryFlippedBitIsCaught) {
  const auto good = test::rfc5769Request();
  IntegrityKey key;
  ASSERT_TRUE(key.setKey(kRfc5769Password).ok());
  // Flip bits in the covered part (header type/tid and attributes before MI).
  const size_t miOffset = StunMessage::parse(good)->messageIntegrityOffset();
  for (size_t i = 0; i < miOffset; ++i) {
    if (i >= 2 && i < 8) continue;  // length and cookie break parsing instead
    auto bad = good;
    bad[i] ^= 0x01;
    auto m = StunMessage::parse(bad);
    if (!m.ok()) continue;
    EXPECT_FALSE(verifyMessageIntegrity(*m, key).ok()) << i;
    auto fp = verifyFingerprint(*m);
    ASSERT_FALSE(fp.ok()) << i;
    EXPECT_STREQ(fp.error().message, "FINGERPRINT mismatch");
  }
}

TEST(StunIntegrity, MissingAttributesReported) {
  std::array<uint8_t, 20> bytes{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
  auto m = StunMessage::parse(bytes);
  ASSERT_TRUE(m.ok());
  EXPECT_STREQ(verifyMessageIntegrity(*m, "x").error().message, "no MESSAGE-INTEGRITY");
  EXPECT_STREQ(verifyFingerprint(*m).error().message, "no FINGERPRINT");
}

TEST(StunIntegrity, KeyNotSetIsAnError) {
  const auto bytes = test::rfc5769Request();
  auto m = StunMessage::parse(bytes);
  IntegrityKey key;
  EXPECT_EQ(verifyMessageIntegrity(*m, key).error().code, Error::Code::kState);
}

}  // namespace
}  // namespace rtcgate::wire::stun
