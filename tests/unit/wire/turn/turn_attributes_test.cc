// TURN methods and attributes (RFC 8656 §18) on the STUN codec: build, parse, and the
// length rules that make a malformed value a malformed message.
#include <gtest/gtest.h>

#include <array>

#include "unit/wire/wire_test_util.h"
#include "wire/stun/builder.h"
#include "wire/stun/message.h"

namespace rtcgate::wire::stun {
namespace {

TransactionId tid() {
  TransactionId t{};
  for (size_t i = 0; i < t.size(); ++i) t[i] = static_cast<uint8_t>(0xa0 + i);
  return t;
}

TEST(TurnAttributes, MethodsEncodeAsRfc8656Says) {
  EXPECT_EQ(makeMessageType(static_cast<uint16_t>(StunMethod::kAllocate), StunClass::kRequest), 0x0003);
  EXPECT_EQ(makeMessageType(static_cast<uint16_t>(StunMethod::kAllocate), StunClass::kSuccess), 0x0103);
  EXPECT_EQ(makeMessageType(static_cast<uint16_t>(StunMethod::kAllocate), StunClass::kError), 0x0113);
  EXPECT_EQ(makeMessageType(static_cast<uint16_t>(StunMethod::kSend), StunClass::kIndication), 0x0016);
  EXPECT_EQ(makeMessageType(static_cast<uint16_t>(StunMethod::kData), StunClass::kIndication), 0x0017);
  EXPECT_EQ(makeMessageType(static_cast<uint16_t>(StunMethod::kChannelBind), StunClass::kRequest), 0x0009);
}

TEST(TurnAttributes, RoundTripEveryTurnAttribute) {
  std::array<uint8_t, 256> buf{};
  StunBuilder b(buf, static_cast<uint16_t>(StunMethod::kAllocate), StunClass::kRequest, tid());
  const auto peer = *SocketAddress::parse("2001:db8::5", 40000);
  const auto relayed = *SocketAddress::parse("192.0.2.15", 50000);
  const std::array<uint8_t, 3> data{9, 8, 7};
  b.addRequestedTransport(17);
  b.addLifetime(600);
  b.addChannelNumber(0x4001);
  b.addXorPeerAddress(peer);
  b.addXorRelayedAddress(relayed);
  b.addData(data);
  b.addU32(AttributeType::kRequestedAddressFamily, 0x02000000);
  b.addFlag(AttributeType::kDontFragment);
  b.addRealm("rtcgate");
  b.addNonce("abc");
  auto out = b.finish();
  ASSERT_TRUE(out.ok());
  auto m = StunMessage::parse(*out);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->method(), static_cast<uint16_t>(StunMethod::kAllocate));
  EXPECT_EQ(*m->requestedTransport(), 17);
  EXPECT_EQ(*m->lifetime(), 600U);
  EXPECT_EQ(*m->channelNumber(), 0x4001);
  EXPECT_EQ(*m->xorPeerAddress(), peer);
  EXPECT_EQ(*m->xorRelayedAddress(), relayed);
  ASSERT_TRUE(m->data());
  EXPECT_EQ(m->data()->size(), 3U);
  EXPECT_EQ(*m->requestedAddressFamily(), 0x02);
  EXPECT_TRUE(m->dontFragment());
  EXPECT_EQ(*m->realm(), "rtcgate");
  EXPECT_EQ(*m->nonce(), "abc");
  EXPECT_TRUE(m->unknownRequired().empty());  // TURN attributes are known now
  test::expectEveryTruncationRejected(*out, [](std::span<const uint8_t> s) { return StunMessage::parse(s); });
}

TEST(TurnAttributes, RepeatedPeerAddressesAreAllReadable) {
  std::array<uint8_t, 128> buf{};
  StunBuilder b(buf, static_cast<uint16_t>(StunMethod::kCreatePermission), StunClass::kRequest, tid());
  b.addXorPeerAddress(*SocketAddress::parse("10.0.0.1", 1));
  b.addXorPeerAddress(*SocketAddress::parse("10.0.0.2", 2));
  auto out = b.finish();
  ASSERT_TRUE(out.ok());
  auto m = StunMessage::parse(*out);
  ASSERT_TRUE(m.ok());
  std::vector<std::string> seen;
  auto it = m->attributes();
  StunAttribute a;
  while (it.next(a))
    if (a.type == static_cast<uint16_t>(AttributeType::kXorPeerAddress))
      seen.push_back(m->xorAddressValue(a.value)->toString());
  EXPECT_EQ(seen, (std::vector<std::string>{"10.0.0.1:1", "10.0.0.2:2"}));
  EXPECT_FALSE(m->xorAddressValue(test::hexBytes("0001")));
}

TEST(TurnAttributes, WrongLengthsMakeTheMessageMalformed) {
  // LIFETIME of 3 bytes, CHANNEL-NUMBER of 2, DONT-FRAGMENT with a value.
  for (const char* attr : {"000d0003aabbcc00", "000c0002aabb0000", "001a000401020304"}) {
    auto bytes = test::hexBytes(std::string("00030008") + "2112a442" + "a0a1a2a3a4a5a6a7a8a9aaab" + attr);
    EXPECT_FALSE(StunMessage::parse(bytes).ok()) << attr;
  }
}

TEST(TurnAttributes, EvenPortStaysUnknownSoItIsRefused) {
  auto bytes = test::hexBytes(
      "00030008"
      "2112a442"
      "a0a1a2a3a4a5a6a7a8a9aaab"
      "0018000180000000");
  auto m = StunMessage::parse(bytes);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->unknownRequired().size(), 1U);
  EXPECT_EQ(m->unknownRequired()[0], 0x0018);
}

}  // namespace
}  // namespace rtcgate::wire::stun
