#include "wire/rtp/rtp_rewrite.h"

#include <gtest/gtest.h>

#include <array>

#include "unit/wire/wire_test_util.h"
#include "wire/rtp/rtp_extensions.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::wire::rtp {
namespace {

using test::hexBytes;

TEST(RtpRewrite, RewritesHeaderFieldsInPlace) {
  auto bytes = hexBytes("90601234 deadbeef 11223344 bede0003 4030 22123456 310005 000000 9080 0102030405");
  ASSERT_TRUE(setSsrc(bytes, 0xcafebabe));
  ASSERT_TRUE(setSequenceNumber(bytes, 7));
  ASSERT_TRUE(setTimestamp(bytes, 90000));
  ASSERT_TRUE(setPayloadType(bytes, 100));
  ASSERT_TRUE(setMarker(bytes, true));
  EXPECT_FALSE(setPayloadType(bytes, 200));
  auto v = RtpPacketView::parse(bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->ssrc(), 0xcafebabeu);
  EXPECT_EQ(v->sequenceNumber(), 7);
  EXPECT_EQ(v->timestamp(), 90000u);
  EXPECT_EQ(v->payloadType(), 100);
  EXPECT_TRUE(v->marker());
  ASSERT_TRUE(setMarker(bytes, false));
  EXPECT_EQ(bytes[1], 100);
  EXPECT_EQ(v->payloadSize(), 7u);
}

TEST(RtpRewrite, RewritesExtensionValuesInPlace) {
  auto bytes = hexBytes("90601234 deadbeef 11223344 bede0003 4030 22123456 310005 000000 9080 0102030405");
  std::array<uint8_t, 2> seq{};
  writeTransportSequence(seq, 0xabcd);
  ASSERT_TRUE(writeExtension(bytes, 3, seq));
  auto ast = mutableExtension(bytes, 2);
  ASSERT_EQ(ast.size(), 3u);
  writeAbsSendTime(ast.first<3>(), 0x0a0b0c);
  EXPECT_FALSE(writeExtension(bytes, 3, std::array<uint8_t, 3>{}));  // wrong size
  EXPECT_FALSE(writeExtension(bytes, 9, seq));                       // absent
  auto v = RtpPacketView::parse(bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(readTransportSequence(v->findExtension(3)), 0xabcd);
  EXPECT_EQ(readAbsSendTime(v->findExtension(2)), 0x0a0b0cu);
}

TEST(RtpRewrite, RefusesShortBuffers) {
  std::array<uint8_t, 11> tiny{};
  EXPECT_FALSE(setSsrc(tiny, 1));
  EXPECT_FALSE(setSequenceNumber(tiny, 1));
  EXPECT_FALSE(setTimestamp(tiny, 1));
  EXPECT_FALSE(setMarker(tiny, true));
  EXPECT_TRUE(mutableExtension(tiny, 1).empty());
}

}  // namespace
}  // namespace rtcgate::wire::rtp
