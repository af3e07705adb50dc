// StunBuilder: regenerates the RFC 5769 vectors byte for byte and round-trips attributes.
#include "wire/stun/builder.h"

#include <gtest/gtest.h>

#include "unit/wire/stun/rfc5769_vectors.h"
#include "wire/stun/message.h"

namespace rtcgate::wire::stun {
namespace {

using test::kRfc5769Password;

TransactionId rfcTid() {
  TransactionId tid{};
  const auto bytes = fromHex("b7e7a701bc34d686fa87dfae");
  std::copy(bytes.begin(), bytes.end(), tid.begin());
  return tid;
}

TEST(StunBuilder, RegeneratesRfc5769Request) {
  IntegrityKey key;
  ASSERT_TRUE(key.setKey(kRfc5769Password).ok());
  std::array<uint8_t, 256> buf{};
  StunBuilder b(buf, 1, StunClass::kRequest, rfcTid());
  b.setPaddingByte(0x20);
  b.addSoftware("STUN test client");
  b.addPriority(0x6e0001ff);
  b.addIceControlled(0x932ff9b151263b36ULL);
  b.addUsername(test::kRfc5769Username);
  b.addMessageIntegrity(key);
  b.addFingerprint();
  auto out = b.finish();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(toHex(*out), toHex(test::rfc5769Request()));
}

TEST(StunBuilder, RegeneratesRfc5769Responses) {
  IntegrityKey key;
  ASSERT_TRUE(key.setKey(kRfc5769Password).ok());
  struct Case {
    const char* ip;
    std::vector<uint8_t> expected;
  };
  for (const auto& c : {Case{"192.0.2.1", test::rfc5769Ipv4Response()},
                        Case{"2001:db8:1234:5678:11:2233:4455:6677", test::rfc5769Ipv6Response()}}) {
    std::array<uint8_t, 256> buf{};
    StunBuilder b(buf, 1, StunClass::kSuccess, rfcTid());
    b.setPaddingByte(0x20);
    b.addSoftware("test vector");
    b.addXorMappedAddress(*SocketAddress::parse(c.ip, 32853));
    b.addMessageIntegrity(key);
    b.addFingerprint();
    auto out = b.finish();
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(toHex(*out), toHex(c.expected)) << c.ip;
  }
}

TEST(StunBuilder, RoundTripsEveryAttribute) {
  IntegrityKey key;
  ASSERT_TRUE(key.setKey("secret-password-123456").ok());
  std::array<uint8_t, 512> buf{};
  const TransactionId tid = rfcTid();
  StunBuilder b(buf, 1, StunClass::kError, tid);
  b.addMappedAddress(*SocketAddress::parse("10.1.2.3", 4000));
  b.addXorMappedAddress(*SocketAddress::parse("::1", 5000));
  b.addUsername("abcd:efgh");
  b.addErrorCode(487);
  const uint16_t unknown[] = {0x7777, 0x0003, 0x0005};
  b.addUnknownAttributes(unknown);
  b.addString(AttributeType::kRealm, "example.org");
  b.addString(AttributeType::kNonce, "n0nce");
  b.addPriority(1234);
  b.addIceControlling(0x0102030405060708ULL);
  b.addUseCandidate();
  b.addMessageIntegrity(key);
  b.addFingerprint();
  auto out = b.finish();
  ASSERT_TRUE(out.ok());
  auto m = StunMessage::parse(*out);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->messageClass(), StunClass::kError);
  EXPECT_EQ(m->transactionIdCopy(), tid);
  EXPECT_EQ(*m->mappedAddress(), *SocketAddress::parse("10.1.2.3", 4000));
  EXPECT_EQ(*m->xorMappedAddress(), *SocketAddress::parse("::1", 5000));
  EXPECT_EQ(*m->username(), "abcd:efgh");
  EXPECT_EQ(m->errorCode()->code, 487);
  EXPECT_EQ(m->errorCode()->reason, "Role Conflict");
  ASSERT_EQ(m->unknownAttributesCount(), 3U);
  EXPECT_EQ(m->unknownAttributeAt(2), 0x0005);
  EXPECT_EQ(*m->realm(), "example.org");
  EXPECT_EQ(*m->nonce(), "n0nce");
  EXPECT_EQ(*m->priority(), 1234U);
  EXPECT_EQ(*m->iceControlling(), 0x0102030405060708ULL);
  EXPECT_TRUE(m->useCandidate());
  EXPECT_TRUE(verifyMessageIntegrity(*m, key).ok());
  EXPECT_TRUE(verifyFingerprint(*m).ok());
  for (size_t n = 0; n < out->size(); ++n) EXPECT_FALSE(StunMessage::parse(out->first(n)).ok()) << n;
}

TEST(StunBuilder, ReportsNoSpaceAtEverySize) {
  IntegrityKey key;
  ASSERT_TRUE(key.setKey("pw").ok());
  std::array<uint8_t, 256> buf{};
  size_t full = 0;
  for (size_t n = 0; n <= 120; ++n) {
    StunBuilder b(std::span<uint8_t>(buf.data(), n), 1, StunClass::kRequest, rfcTid());
    b.addUsername("abcd:efgh");
    b.addPriority(1);
    b.addMessageIntegrity(key);
    b.addFingerprint();
    auto out = b.finish();
    if (out.ok()) {
      full = out->size();
      EXPECT_LE(full, n);
      EXPECT_TRUE(StunMessage::parse(*out).ok());
      break;
    }
    EXPECT_EQ(out.error().code, Error::Code::kNoSpace);
  }
  EXPECT_EQ(full, 20U + 16 + 8 + 24 + 8);
}

}  // namespace
}  // namespace rtcgate::wire::stun
