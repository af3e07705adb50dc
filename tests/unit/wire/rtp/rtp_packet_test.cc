#include "wire/rtp/rtp_packet.h"

#include <gtest/gtest.h>

#include <string_view>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtp {
namespace {

using test::hexBytes;

// A VP8 packet as Chromium sends it: one-byte extensions mid=4 ("0"), abs-send-time=2,
// transport-cc=3, then 3 padding bytes to fill the 32-bit word.
constexpr std::string_view kChromiumVp8 =
    "90601234 deadbeef 11223344"
    "bede0003 4030 22123456 310005 000000"
    "9080 0102030405";

TEST(RtpPacketView, ParsesChromiumPacketWithOneByteExtensions) {
  const auto bytes = hexBytes(kChromiumVp8);
  auto v = RtpPacketView::parse(bytes);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_FALSE(v->marker());
  EXPECT_EQ(v->payloadType(), 96);
  EXPECT_EQ(v->sequenceNumber(), 0x1234);
  EXPECT_EQ(v->timestamp(), 0xdeadbeefu);
  EXPECT_EQ(v->ssrc(), 0x11223344u);
  EXPECT_EQ(v->csrcCount(), 0u);
  EXPECT_EQ(v->extensionForm(), ExtensionForm::kOneByte);
  EXPECT_EQ(v->headerSize(), 28u);
  EXPECT_EQ(v->paddingSize(), 0u);
  EXPECT_EQ(v->payloadSize(), 7u);
  EXPECT_EQ(v->payload()[0], 0x90);
  const auto mid = v->findExtension(4);
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_EQ(mid[0], '0');
  const auto ast = v->findExtension(2);
  ASSERT_EQ(ast.size(), 3u);
  EXPECT_EQ(ast[0], 0x12);
  EXPECT_EQ(ast[2], 0x56);
  const auto twcc = v->findExtension(3);
  ASSERT_EQ(twcc.size(), 2u);
  EXPECT_EQ(twcc[1], 0x05);
  EXPECT_TRUE(v->findExtension(5).empty());
  EXPECT_TRUE(v->findExtension(0).empty());
}

TEST(RtpPacketView, ParsesCsrcsMarkerAndPadding) {
  // CC=2, P=1, M=1, PT=111; 2-byte payload then 3 bytes of padding (count 3).
  const auto bytes = hexBytes("a2ef0001 00000010 0000abcd 00000001 00000002 cafe 000003");
  auto v = RtpPacketView::parse(bytes);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_TRUE(v->marker());
  EXPECT_EQ(v->payloadType(), 111);
  EXPECT_EQ(v->csrcCount(), 2u);
  EXPECT_EQ(v->csrc(1), 2u);
  EXPECT_EQ(v->headerSize(), 20u);
  EXPECT_EQ(v->paddingSize(), 3u);
  ASSERT_EQ(v->payloadSize(), 2u);
  EXPECT_EQ(v->payload()[1], 0xfe);
  EXPECT_EQ(v->extensionForm(), ExtensionForm::kNone);
}

TEST(RtpPacketView, ParsesTwoByteExtensions) {
  // Profile 0x1000 (appbits 0): id 20 with 3 bytes, padding byte, id 1 with 0 bytes.
  const auto bytes = hexBytes("90000001 00000000 00000001 10000002 1403aabbcc 00 0100 99");
  auto v = RtpPacketView::parse(bytes);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->extensionForm(), ExtensionForm::kTwoByte);
  ASSERT_EQ(v->findExtension(20).size(), 3u);
  EXPECT_EQ(v->findExtension(20)[2], 0xcc);
  EXPECT_TRUE(v->findExtension(1).empty());  // present but zero-length
  EXPECT_EQ(v->payloadSize(), 1u);
}

TEST(RtpPacketView, OneByteIdFifteenStopsTheWalk) {
  // RFC 8285 §4.2: after id 15 the rest is ignored, even bytes that look like elements.
  const auto bytes = hexBytes("90000001 00000000 00000001 bede0001 10aa f0 20");
  auto v = RtpPacketView::parse(bytes);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->findExtension(1).size(), 1u);
  EXPECT_TRUE(v->findExtension(2).empty());
}

TEST(RtpPacketView, UnknownProfileKeepsRawBlock) {
  const auto bytes = hexBytes("90000001 00000000 00000001 abcd0001 01020304");
  auto v = RtpPacketView::parse(bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->extensionForm(), ExtensionForm::kOther);
  EXPECT_EQ(v->extensionProfile(), 0xabcd);
  EXPECT_EQ(v->extensionBlock().size(), 4u);
  EXPECT_TRUE(v->findExtension(1).empty());
}

TEST(RtpPacketView, RejectsMalformedPackets) {
  struct Case {
    const char* name;
    std::string_view hex;
  };
  const Case cases[] = {
      {"version 1", "50000001 00000000 00000001"},
      {"short header", "80000001 00000000 000000"},
      {"csrc past end", "81000001 00000000 00000001"},
      {"extension header past end", "90000001 00000000 00000001 bede"},
      {"extension block past end", "90000001 00000000 00000001 bede0002 10aa0000"},
      {"one-byte element overruns", "90000001 00000000 00000001 bede0001 0030aabb"},
      {"two-byte element overruns", "90000001 00000000 00000001 10000001 0105aabb"},
      {"zero padding count", "a0000001 00000000 00000001 aa00"},
      {"padding longer than payload", "a0000001 00000000 00000001 aa05"},
  };
  for (const auto& c : cases) {
    const auto bytes = hexBytes(c.hex);
    EXPECT_FALSE(RtpPacketView::parse(bytes).ok()) << c.name;
  }
}

TEST(RtpPacketView, TruncationsRejectedOrShorterValidPrefix) {
  const auto bytes = hexBytes(kChromiumVp8);
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    auto v = RtpPacketView::parse(prefix);
    // Cutting into the payload leaves a valid shorter packet; cutting the header must fail.
    EXPECT_EQ(v.ok(), len >= 28) << len;
    if (v.ok()) {
      EXPECT_EQ(v->payloadSize(), len - 28);
    }
  }
}

}  // namespace
}  // namespace rtcgate::wire::rtp
