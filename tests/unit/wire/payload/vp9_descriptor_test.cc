#include "wire/payload/vp9_descriptor.h"

#include <gtest/gtest.h>

#include <vector>

#include "../wire_test_util.h"

namespace rtcgate::wire::payload {
namespace {

using test::expectEveryTruncationRejected;

Result<Vp9Descriptor> parseBytes(std::span<const uint8_t> b) {
  return Vp9Descriptor::parse(b);
}

TEST(Vp9DescriptorTest, KeyframeWithLongPictureId) {
  const std::vector<uint8_t> p = {0x8C, 0x80, 0x01, 0xAA};  // I B E | M pid=1 | data
  auto d = Vp9Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->hasPictureId);
  EXPECT_TRUE(d->longPictureId);
  EXPECT_EQ(d->pictureId, 1);
  EXPECT_TRUE(d->beginOfFrame);
  EXPECT_TRUE(d->endOfFrame);
  EXPECT_EQ(d->size, 3);
  EXPECT_TRUE(d->keyframeStart());
  expectEveryTruncationRejected(p, parseBytes);
}

TEST(Vp9DescriptorTest, NonFlexibleLayerIndices) {
  // I L B E | pid 5 | TID=1 U=0 SID=1 D=1 | TL0PICIDX 7 | data
  const std::vector<uint8_t> p = {0xAC, 0x05, 0x23, 0x07, 0xAA};
  auto d = Vp9Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->tid, 1);
  EXPECT_EQ(d->sid, 1);
  EXPECT_TRUE(d->interLayer);
  EXPECT_EQ(d->tl0PicIdx, 7);
  EXPECT_EQ(d->size, 4);
  EXPECT_FALSE(d->keyframeStart());  // upper spatial layer
  expectEveryTruncationRejected(p, parseBytes);
}

TEST(Vp9DescriptorTest, FlexibleModeReferenceIndices) {
  // I P F B | pid 0x10 | P_DIFF 1 (N=1), P_DIFF 2 (N=0) | data
  const std::vector<uint8_t> p = {0xD8, 0x10, 0x03, 0x04, 0xAA};
  auto d = Vp9Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->flexible);
  EXPECT_TRUE(d->interPicture);
  EXPECT_EQ(d->size, 4);
  EXPECT_FALSE(d->keyframeStart());
  expectEveryTruncationRejected(p, parseBytes);
  // A fourth reference index is not allowed.
  EXPECT_FALSE(Vp9Descriptor::parse(std::vector<uint8_t>{0xD8, 0x10, 0x03, 0x05, 0x07, 0x09, 0xAA}).ok());
}

TEST(Vp9DescriptorTest, ScalabilityStructureIsSkipped) {
  // B V | N_S=0 Y G | 640x360 | N_G=1 | TID=0 U=0 R=1 | P_DIFF 1 | data
  const std::vector<uint8_t> p = {0x0A, 0x18, 0x02, 0x80, 0x01, 0x68, 0x01, 0x04, 0x01, 0xAA};
  auto d = Vp9Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->hasSs);
  EXPECT_EQ(d->size, 9);
  EXPECT_TRUE(d->keyframeStart());
  expectEveryTruncationRejected(p, parseBytes);
}

}  // namespace
}  // namespace rtcgate::wire::payload
