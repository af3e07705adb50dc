#include "wire/payload/h264_keyframe.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtcgate::wire::payload {
namespace {

Result<H264PayloadInfo> parse(const std::vector<uint8_t>& b) {
  return H264PayloadInfo::parse(b);
}

TEST(H264KeyframeTest, SingleNalUnits) {
  auto idr = parse({0x65, 0x88, 0x84});
  ASSERT_TRUE(idr.ok());
  EXPECT_EQ(idr->packetType, 5);
  EXPECT_TRUE(idr->hasIdr);
  EXPECT_TRUE(idr->keyframe());

  auto sps = parse({0x67, 0x42, 0x00, 0x1f});
  ASSERT_TRUE(sps.ok());
  EXPECT_TRUE(sps->hasSps);
  EXPECT_TRUE(sps->keyframe());

  auto pps = parse({0x68, 0xce});
  ASSERT_TRUE(pps.ok());
  EXPECT_TRUE(pps->hasPps);
  EXPECT_FALSE(pps->keyframe());

  auto slice = parse({0x41, 0x9a});
  ASSERT_TRUE(slice.ok());
  EXPECT_FALSE(slice->keyframe());
}

TEST(H264KeyframeTest, StapAWithSpsPpsIdr) {
  const std::vector<uint8_t> p = {0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02,
                                  0x68, 0xce, 0x00, 0x03, 0x65, 0x88, 0x84};
  auto info = parse(p);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->packetType, 24);
  EXPECT_TRUE(info->hasSps);
  EXPECT_TRUE(info->hasPps);
  EXPECT_TRUE(info->hasIdr);
  // Every cut that falls inside a size field or a NAL unit is rejected.
  for (size_t len : {0u, 1u, 2u, 3u, 4u, 6u, 7u, 8u, 10u, 11u, 12u, 13u}) {
    std::vector<uint8_t> prefix(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_FALSE(parse(prefix).ok()) << len;
  }
  // A cut between units is itself a valid, shorter STAP-A.
  auto firstOnly = parse(std::vector<uint8_t>(p.begin(), p.begin() + 5));
  ASSERT_TRUE(firstOnly.ok());
  EXPECT_TRUE(firstOnly->hasSps);
  EXPECT_FALSE(firstOnly->hasIdr);
}

TEST(H264KeyframeTest, StapARejectsZeroSizeAndOverrun) {
  EXPECT_EQ(parse({0x78, 0x00, 0x00}).error().code, Error::Code::kMalformed);
  EXPECT_EQ(parse({0x78, 0x00, 0x05, 0x65}).error().code, Error::Code::kTruncated);
}

TEST(H264KeyframeTest, FuAOnlyStartFragmentCounts) {
  auto start = parse({0x7c, 0x85, 0xb8});
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->packetType, 28);
  EXPECT_TRUE(start->keyframe());
  auto middle = parse({0x7c, 0x05, 0xb8});
  ASSERT_TRUE(middle.ok());
  EXPECT_FALSE(middle->keyframe());
  auto sliceStart = parse({0x5c, 0x81, 0x00});
  ASSERT_TRUE(sliceStart.ok());
  EXPECT_FALSE(sliceStart->keyframe());
  EXPECT_FALSE(parse({0x7c}).ok());
  EXPECT_FALSE(parse({0x7c, 0x85}).ok());
}

TEST(H264KeyframeTest, RejectsEmptyTypeZeroAndUnsupported) {
  EXPECT_EQ(parse({}).error().code, Error::Code::kTruncated);
  EXPECT_EQ(parse({0x00}).error().code, Error::Code::kMalformed);
  EXPECT_EQ(parse({0x79, 0x00, 0x00}).error().code, Error::Code::kUnsupported);  // STAP-B
  EXPECT_EQ(parse({0x7d, 0x85, 0x00}).error().code, Error::Code::kUnsupported);  // FU-B
}

}  // namespace
}  // namespace rtcgate::wire::payload
