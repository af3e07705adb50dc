#include "wire/rtcp/report_block.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/rtcp/report_block_vector.h"
#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;
using testvec::expectedBlock;
using testvec::kBlock;

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

}  // namespace
}  // namespace rtcgate::wire::rtcp
