// Report block, SR (RFC 3550 §6.4.1) and RR (§6.4.2).
#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/report_block.h"
#include "wire/rtcp/sender_report.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

constexpr std::string_view kBlock = "55667788 40fffffe 00010005 00000020 12345678 00010000";

ReportBlock expectedBlock() {
  return ReportBlock{0x55667788, 0x40, -2, 0x00010005, 0x20, 0x12345678, 0x10000};
}

TEST(ReportBlock, ParsesSignedCumulativeLoss) {
  auto b = ReportBlock::parse(hexBytes(kBlock));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, expectedBlock());
  ReportBlock big = expectedBlock();
  big.cumulativeLost = 0x7FFFFFF;  // clamped to 24-bit signed max
  std::array<uint8_t, 24> out{};
  ByteWriter w(out);
  ASSERT_TRUE(big.serializeTo(w));
  EXPECT_EQ(ReportBlock::parse(out)->cumulativeLost, 0x7FFFFF);
}

TEST(SenderReport, ParsesHandBuiltBytes) {
  const auto bytes = hexBytes(std::string("81c8000c 11223344 e0000000 80000000 00012345 00000010 00000400") +
                              std::string(kBlock));
  auto sr = SenderReport::parse(bytes);
  ASSERT_TRUE(sr.ok()) << sr.error().message;
  EXPECT_EQ(sr->senderSsrc, 0x11223344u);
  EXPECT_EQ(sr->ntpTime, 0xe000000080000000ull);
  EXPECT_EQ(sr->rtpTimestamp, 0x12345u);
  EXPECT_EQ(sr->packetCount, 16u);
  EXPECT_EQ(sr->octetCount, 1024u);
  ASSERT_EQ(sr->reports.count, 1);
  EXPECT_EQ(sr->reports.blocks[0], expectedBlock());
  std::vector<uint8_t> out(sr->size());
  ASSERT_TRUE(sr->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto s) { return SenderReport::parse(s); });
}

TEST(SenderReport, ToleratesProfileExtensionsAndRejectsWrongType) {
  const auto withExt = hexBytes("80c80007 11223344 00000000 00000000 00000000 00000000 00000000 deadbeef");
  EXPECT_TRUE(SenderReport::parse(withExt).ok());
  EXPECT_FALSE(SenderReport::parse(hexBytes("80c90001 11223344")).ok());
  // RC says one block but none follows.
  EXPECT_FALSE(
      SenderReport::parse(hexBytes("81c80006 11223344 00000000 00000000 00000000 00000000 00000000")).ok());
}

TEST(ReceiverReport, RoundTripsHandBuiltBytes) {
  const auto bytes = hexBytes(std::string("81c90007 11223344") + std::string(kBlock));
  auto rr = ReceiverReport::parse(bytes);
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr->senderSsrc, 0x11223344u);
  ASSERT_EQ(rr->reports.count, 1);
  EXPECT_EQ(rr->reports.blocks[0], expectedBlock());
  std::vector<uint8_t> out(rr->size());
  ASSERT_TRUE(rr->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto s) { return ReceiverReport::parse(s); });
}

TEST(ReceiverReport, EmptyAndFull) {
  ReceiverReport rr;
  rr.senderSsrc = 1;
  std::vector<uint8_t> out(rr.size());
  ASSERT_TRUE(rr.serializeTo(out).ok());
  EXPECT_EQ(out, hexBytes("80c90001 00000001"));
  for (size_t i = 0; i < ReportBlockList::kMax; ++i) ASSERT_TRUE(rr.reports.add(ReportBlock{uint32_t(i)}));
  EXPECT_FALSE(rr.reports.add(ReportBlock{}));
  out.assign(rr.size(), 0);
  ASSERT_TRUE(rr.serializeTo(out).ok());
  auto back = ReceiverReport::parse(out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->reports.count, 31);
  EXPECT_EQ(back->reports.blocks[30].sourceSsrc, 30u);
  std::vector<uint8_t> small(rr.size() - 1);
  EXPECT_EQ(rr.serializeTo(small).error().code, Error::Code::kNoSpace);
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
