#include "wire/payload/vp8_descriptor.h"

#include <gtest/gtest.h>

#include <vector>

#include "../wire_test_util.h"

namespace rtcgate::wire::payload {
namespace {

using test::expectEveryTruncationRejected;

Result<Vp8Descriptor> parseBytes(std::span<const uint8_t> b) {
  return Vp8Descriptor::parse(b);
}

TEST(Vp8DescriptorTest, MinimalKeyframeStart) {
  const std::vector<uint8_t> p = {0x10, 0x00};  // S=1 PID=0; payload header P=0
  auto d = Vp8Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->size, 1);
  EXPECT_TRUE(d->startOfPartition);
  EXPECT_FALSE(d->hasPictureId);
  EXPECT_TRUE(d->keyframeStart);
}

TEST(Vp8DescriptorTest, AllExtensions) {
  // X S | I L T K | M + PictureID 0x0123 | TL0PICIDX 0x45 | TID=2 Y=1 KEYIDX=3 | P=1
  const std::vector<uint8_t> p = {0x90, 0xF0, 0x81, 0x23, 0x45, 0xA3, 0x01};
  auto d = Vp8Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->size, 6);
  EXPECT_TRUE(d->hasPictureId);
  EXPECT_TRUE(d->longPictureId);
  EXPECT_EQ(d->pictureId, 0x0123);
  EXPECT_EQ(d->pictureIdOffset, 2);
  EXPECT_TRUE(d->hasTl0PicIdx);
  EXPECT_EQ(d->tl0PicIdx, 0x45);
  EXPECT_EQ(d->tl0PicIdxOffset, 4);
  EXPECT_TRUE(d->hasTid);
  EXPECT_EQ(d->tid, 2);
  EXPECT_TRUE(d->layerSync);
  EXPECT_TRUE(d->hasKeyIdx);
  EXPECT_EQ(d->keyIdx, 3);
  EXPECT_FALSE(d->keyframeStart);  // P=1: interframe
  expectEveryTruncationRejected(p, parseBytes);
}

TEST(Vp8DescriptorTest, ShortPictureIdAndKeyframe) {
  const std::vector<uint8_t> p = {0x90, 0x80, 0x12, 0x00};
  auto d = Vp8Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->longPictureId);
  EXPECT_EQ(d->pictureId, 0x12);
  EXPECT_TRUE(d->keyframeStart);
  expectEveryTruncationRejected(p, parseBytes);
}

TEST(Vp8DescriptorTest, KeyframeNeedsStartOfPartitionZero) {
  const std::vector<uint8_t> notStart = {0x80, 0x80, 0x12, 0x00};
  const std::vector<uint8_t> partition1 = {0x91, 0x80, 0x12, 0x00};
  const std::vector<uint8_t> nonRef = {0x30, 0x00};  // N=1 still may be a keyframe start
  EXPECT_FALSE(Vp8Descriptor::parse(notStart)->keyframeStart);
  EXPECT_FALSE(Vp8Descriptor::parse(partition1)->keyframeStart);
  EXPECT_EQ(Vp8Descriptor::parse(partition1)->partitionIndex, 1);
  EXPECT_TRUE(Vp8Descriptor::parse(nonRef)->nonReference);
}

TEST(Vp8DescriptorTest, KeyIdxWithoutTid) {
  const std::vector<uint8_t> p = {0x80, 0x10, 0xC5, 0x00};  // K only: TID bits are not meaningful
  auto d = Vp8Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->hasTid);
  EXPECT_EQ(d->tid, 0);
  EXPECT_TRUE(d->hasKeyIdx);
  EXPECT_EQ(d->keyIdx, 5);
}

TEST(Vp8DescriptorTest, RewritesLongPictureIdAndTl0InPlace) {
  std::vector<uint8_t> p = {0x90, 0xF0, 0x81, 0x23, 0x45, 0xA3, 0x01};
  auto d = Vp8Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->writePictureId(p, 0xFABC));  // wrapped to 15 bits
  EXPECT_TRUE(d->writeTl0PicIdx(p, 0x99));
  auto again = Vp8Descriptor::parse(p);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pictureId, 0x7ABC);
  EXPECT_TRUE(again->longPictureId);
  EXPECT_EQ(again->tl0PicIdx, 0x99);
  EXPECT_EQ(again->tid, 2);  // neighbours untouched
  EXPECT_EQ(p[6], 0x01);
}

TEST(Vp8DescriptorTest, RewritesShortPictureIdKeepingWidth) {
  std::vector<uint8_t> p = {0x90, 0x80, 0x12, 0x00};
  auto d = Vp8Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->writePictureId(p, 200));
  EXPECT_EQ(Vp8Descriptor::parse(p)->pictureId, 200 & 0x7f);
  EXPECT_FALSE(Vp8Descriptor::parse(p)->longPictureId);
  EXPECT_FALSE(d->writeTl0PicIdx(p, 1));  // no L field to write
}

TEST(Vp8DescriptorTest, RewriteRefusesMissingFieldOrShortBuffer) {
  std::vector<uint8_t> p = {0x10, 0x00};
  auto d = Vp8Descriptor::parse(p);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->writePictureId(p, 1));
  std::vector<uint8_t> full = {0x90, 0xF0, 0x81, 0x23, 0x45, 0xA3, 0x01};
  auto f = Vp8Descriptor::parse(full);
  ASSERT_TRUE(f.ok());
  std::vector<uint8_t> shorter(full.begin(), full.begin() + 3);
  EXPECT_FALSE(f->writePictureId(shorter, 1));
  EXPECT_FALSE(f->writeTl0PicIdx(shorter, 1));
}

}  // namespace
}  // namespace rtcgate::wire::payload
