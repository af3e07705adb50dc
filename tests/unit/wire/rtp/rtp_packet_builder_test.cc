#include "wire/rtp/rtp_packet_builder.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "unit/wire/wire_test_util.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::wire::rtp {
namespace {

using test::hexBytes;

TEST(RtpPacketBuilder, BuildsChromiumLayoutByteForByte) {
  const std::array<uint8_t, 1> mid{'0'};
  const std::array<uint8_t, 3> ast{0x12, 0x34, 0x56};
  const std::array<uint8_t, 2> twcc{0x00, 0x05};
  const std::array<uint8_t, 7> payload{0x90, 0x80, 1, 2, 3, 4, 5};
  RtpPacketBuilder b;
  b.setPayloadType(96)
      .setSequenceNumber(0x1234)
      .setTimestamp(0xdeadbeef)
      .setSsrc(0x11223344)
      .setPayload(payload);
  ASSERT_TRUE(b.addExtension(4, mid));
  ASSERT_TRUE(b.addExtension(2, ast));
  ASSERT_TRUE(b.addExtension(3, twcc));
  EXPECT_TRUE(b.usesOneByteForm());
  std::array<uint8_t, 64> out{};
  auto n = b.serializeTo(out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, b.size());
  const auto expected =
      hexBytes("90601234 deadbeef 11223344 bede0003 4030 22123456 310005 000000 9080 0102030405");
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*n)), expected);
}

TEST(RtpPacketBuilder, ChoosesTwoByteFormForLargeIdOrValue) {
  struct Case {
    uint8_t id;
    size_t len;
    bool oneByte;
  };
  const Case cases[] = {{1, 1, true},   {14, 16, true},  {15, 1, false},
                        {1, 17, false}, {200, 4, false}, {1, 0, false}};
  for (const auto& c : cases) {
    std::vector<uint8_t> value(c.len, 0xab);
    RtpPacketBuilder b;
    ASSERT_TRUE(b.addExtension(c.id, value));
    EXPECT_EQ(b.usesOneByteForm(), c.oneByte) << int{c.id} << "/" << c.len;
    std::vector<uint8_t> out(b.size());
    ASSERT_TRUE(b.serializeTo(out).ok());
    auto v = RtpPacketView::parse(out);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->extensionForm(), c.oneByte ? ExtensionForm::kOneByte : ExtensionForm::kTwoByte);
    bool found = false;
    auto it = v->extensions();
    ExtensionElement e;
    while (it.next(e)) {
      if (e.id == c.id) {
        found = true;
        EXPECT_EQ(e.value.size(), c.len);
      }
    }
    EXPECT_TRUE(found);
  }
}

TEST(RtpPacketBuilder, RoundTripsCsrcsPaddingAndMarker) {
  const std::array<uint8_t, 5> payload{1, 2, 3, 4, 5};
  RtpPacketBuilder b;
  b.setMarker(true)
      .setPayloadType(111)
      .setSequenceNumber(65535)
      .setTimestamp(7)
      .setSsrc(9)
      .setPayload(payload)
      .setPadding(4);
  ASSERT_TRUE(b.addCsrc(0xaaaa));
  ASSERT_TRUE(b.addCsrc(0xbbbb));
  std::vector<uint8_t> out(b.size());
  ASSERT_TRUE(b.serializeTo(out).ok());
  auto v = RtpPacketView::parse(out);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->marker());
  EXPECT_EQ(v->payloadType(), 111);
  EXPECT_EQ(v->sequenceNumber(), 65535);
  EXPECT_EQ(v->csrcCount(), 2u);
  EXPECT_EQ(v->csrc(0), 0xaaaau);
  EXPECT_EQ(v->paddingSize(), 4u);
  ASSERT_EQ(v->payloadSize(), 5u);
  EXPECT_EQ(v->payload()[4], 5);
}

TEST(RtpPacketBuilder, RefusesSmallBufferAndBadPayloadType) {
  RtpPacketBuilder b;
  std::array<uint8_t, 11> small{};
  EXPECT_EQ(b.serializeTo(small).error().code, Error::Code::kNoSpace);
  b.setPayloadType(128);
  std::array<uint8_t, 12> out{};
  EXPECT_FALSE(b.serializeTo(out).ok());
  EXPECT_FALSE(b.addExtension(0, {}));
}

TEST(RtpPacketBuilder, SerializedPacketsTruncateCleanly) {
  const std::array<uint8_t, 2> twcc{0, 1};
  const std::array<uint8_t, 3> payload{1, 2, 3};
  RtpPacketBuilder b;
  b.setPayload(payload).setPadding(3);
  ASSERT_TRUE(b.addExtension(3, twcc));
  std::vector<uint8_t> out(b.size());
  ASSERT_TRUE(b.serializeTo(out).ok());
  // With padding, every cut either breaks the header or leaves a bad padding count.
  for (size_t len = 0; len < out.size(); ++len) {
    std::vector<uint8_t> prefix(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(len));
    auto v = RtpPacketView::parse(prefix);
    if (v.ok()) {
      EXPECT_LE(v->payloadSize() + v->paddingSize() + v->headerSize(), len);
    }
  }
}

}  // namespace
}  // namespace rtcgate::wire::rtp
