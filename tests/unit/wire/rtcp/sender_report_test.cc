#include "wire/rtcp/sender_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/wire/rtcp/report_block_vector.h"
#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;
using testvec::expectedBlock;
using testvec::kBlock;

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

}  // namespace
}  // namespace rtcgate::wire::rtcp
