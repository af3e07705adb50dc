#include "wire/rtcp/receiver_report.h"

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
