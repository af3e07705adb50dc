// StunMessage parsing: RFC 5769 vectors, attribute rules, truncation at every length.
#include "wire/stun/message.h"

#include <gtest/gtest.h>

#include "unit/wire/stun/rfc5769_vectors.h"
#include "wire/stun/builder.h"

namespace rtcgate::wire::stun {
namespace {

using test::rfc5769Ipv4Response;
using test::rfc5769Ipv6Response;
using test::rfc5769Request;

TEST(StunMessage, ParsesRfc5769Request) {
  const auto bytes = rfc5769Request();
  auto m = StunMessage::parse(bytes);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->isBindingRequest());
  EXPECT_EQ(*m->software(), "STUN test client");
  EXPECT_EQ(*m->priority(), 0x6e0001ffU);
  EXPECT_EQ(*m->iceControlled(), 0x932ff9b151263b36ULL);
  EXPECT_FALSE(m->iceControlling());
  EXPECT_FALSE(m->useCandidate());
  EXPECT_EQ(*m->username(), "evtj:h6vY");
  EXPECT_EQ(m->messageIntegrity().size(), 20U);
  EXPECT_EQ(*m->fingerprint(), 0xe57a3bcfU);
  EXPECT_TRUE(m->unknownRequired().empty());
  EXPECT_EQ(m->transactionId()[0], 0xb7);
}

TEST(StunMessage, ParsesRfc5769Responses) {
  const auto v4 = rfc5769Ipv4Response();
  auto m4 = StunMessage::parse(v4);
  ASSERT_TRUE(m4.ok());
  EXPECT_EQ(m4->messageClass(), StunClass::kSuccess);
  EXPECT_EQ(*m4->software(), "test vector");
  EXPECT_EQ(*m4->xorMappedAddress(), *SocketAddress::parse("192.0.2.1", 32853));

  const auto v6 = rfc5769Ipv6Response();
  auto m6 = StunMessage::parse(v6);
  ASSERT_TRUE(m6.ok());
  EXPECT_EQ(*m6->xorMappedAddress(), *SocketAddress::parse("2001:db8:1234:5678:11:2233:4455:6677", 32853));
}

TEST(StunMessage, MessageTypeBitLayout) {
  EXPECT_EQ(makeMessageType(0x001, StunClass::kRequest), 0x0001);
  EXPECT_EQ(makeMessageType(0x001, StunClass::kSuccess), 0x0101);
  EXPECT_EQ(makeMessageType(0x001, StunClass::kError), 0x0111);
  EXPECT_EQ(makeMessageType(0x001, StunClass::kIndication), 0x0011);
  for (uint16_t method : {0x001, 0x003, 0x00A, 0xFFF}) {
    for (auto c : {StunClass::kRequest, StunClass::kIndication, StunClass::kSuccess, StunClass::kError}) {
      const uint16_t t = makeMessageType(method, c);
      EXPECT_EQ(methodOf(t), method);
      EXPECT_EQ(classOf(t), c);
    }
  }
}

TEST(StunMessage, EveryTruncationIsRejected) {
  for (const auto& bytes : {rfc5769Request(), rfc5769Ipv4Response(), rfc5769Ipv6Response()}) {
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(StunMessage::parse(std::span(bytes).first(n)).ok()) << n;
    }
  }
}

TEST(StunMessage, TruncationWithPatchedLengthIsRejectedOrConsistent) {
  // Header length rewritten to match each cut: the walk must stay in bounds.
  auto bytes = rfc5769Request();
  for (size_t n = kHeaderSize; n < bytes.size(); n += 1) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    storeU16(cut.data() + 2, static_cast<uint16_t>(n - kHeaderSize));
    auto m = StunMessage::parse(cut);
    if (m.ok()) {
      EXPECT_EQ((n - kHeaderSize) % 4, 0U);
    }
  }
}

TEST(StunMessage, RejectsBadHeaders) {
  auto bytes = rfc5769Request();
  auto bad = bytes;
  bad[0] |= 0x80;
  EXPECT_EQ(StunMessage::parse(bad).error().code, Error::Code::kMalformed);
  bad = bytes;
  bad[4] = 0;
  EXPECT_STREQ(StunMessage::parse(bad).error().message, "stun: bad magic cookie");
  bad = bytes;
  bad[3] = 0x57;
  EXPECT_FALSE(StunMessage::parse(bad).ok());
  bad = bytes;
  bad.push_back(0);
  EXPECT_STREQ(StunMessage::parse(bad).error().message, "stun: trailing bytes");
}

TEST(StunMessage, RejectsAttributeAfterFingerprintAndBadLengths) {
  TransactionId tid{};
  std::array<uint8_t, 128> buf{};
  StunBuilder b(buf, 1, StunClass::kRequest, tid);
  b.addFingerprint();
  b.addPriority(5);
  auto out = b.finish();
  ASSERT_TRUE(out.ok());
  EXPECT_STREQ(StunMessage::parse(*out).error().message, "stun: attribute after FINGERPRINT");

  StunBuilder b2(buf, 1, StunClass::kRequest, tid);
  const uint8_t three[3] = {1, 2, 3};
  b2.addRaw(static_cast<uint16_t>(AttributeType::kPriority), three);
  EXPECT_STREQ(StunMessage::parse(*b2.finish()).error().message, "stun: bad attribute length");
}

TEST(StunMessage, ReportsUnknownComprehensionRequiredOnly) {
  TransactionId tid{};
  std::array<uint8_t, 128> buf{};
  StunBuilder b(buf, 1, StunClass::kRequest, tid);
  const uint8_t v[2] = {1, 2};
  b.addRaw(0x7777, v);
  b.addRaw(0xC057, v);  // GOOG-NETWORK-INFO: optional, skipped
  b.addRaw(0x7777, v);  // reported once
  b.addRaw(0x0003, v);  // CHANGE-REQUEST (RFC 5780), not understood here
  auto m = StunMessage::parse(*b.finish());
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->unknownRequired().size(), 2U);
  EXPECT_EQ(m->unknownRequired()[0], 0x7777);
  EXPECT_EQ(m->unknownRequired()[1], 0x0003);
  ASSERT_TRUE(m->find(0xC057));
  EXPECT_EQ(m->find(0xC057)->value.size(), 2U);
}

TEST(StunMessage, IgnoresAttributesAfterIntegrity) {
  TransactionId tid{};
  std::array<uint8_t, 128> buf{};
  IntegrityKey key;
  ASSERT_TRUE(key.setKey("pw").ok());
  StunBuilder b(buf, 1, StunClass::kRequest, tid);
  b.addMessageIntegrity(key);
  b.addPriority(7);
  b.addFingerprint();
  auto m = StunMessage::parse(*b.finish());
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->priority());
  EXPECT_TRUE(m->fingerprint());
}

TEST(StunMessage, AttributeIteratorVisitsAllInOrder) {
  const auto bytes = rfc5769Request();
  auto m = StunMessage::parse(bytes);
  ASSERT_TRUE(m.ok());
  std::vector<uint16_t> types;
  auto it = m->attributes();
  StunAttribute a;
  while (it.next(a)) types.push_back(a.type);
  EXPECT_EQ(types, (std::vector<uint16_t>{0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028}));
}

}  // namespace
}  // namespace rtcgate::wire::stun
