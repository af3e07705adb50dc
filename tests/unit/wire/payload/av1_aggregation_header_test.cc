#include "wire/payload/av1_aggregation_header.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtcgate::wire::payload {
namespace {

Result<Av1AggregationHeader> parse(const std::vector<uint8_t>& b) {
  return Av1AggregationHeader::parse(b);
}

TEST(Av1AggregationHeaderTest, NewSequenceIsKeyframeStart) {
  auto h = parse({0x18, 0x0a});  // W=1 N=1, then a sequence header OBU byte
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->obuCount, 1);
  EXPECT_TRUE(h->newSequence);
  EXPECT_TRUE(h->keyframeStart());
}

TEST(Av1AggregationHeaderTest, FragmentFlagsAndInterframe) {
  auto h = parse({0xE0, 0x32});  // Z Y W=2
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->continuesFragment);
  EXPECT_TRUE(h->fragmentContinues);
  EXPECT_EQ(h->obuCount, 2);
  EXPECT_FALSE(h->keyframeStart());
}

TEST(Av1AggregationHeaderTest, RejectsTruncationAndContinuedNewSequence) {
  EXPECT_EQ(parse({}).error().code, Error::Code::kTruncated);
  EXPECT_EQ(parse({0x08}).error().code, Error::Code::kTruncated);
  EXPECT_EQ(parse({0x88, 0x00}).error().code, Error::Code::kMalformed);
}

}  // namespace
}  // namespace rtcgate::wire::payload
