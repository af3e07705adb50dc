#include "media/vp8_picture_rewriter.h"

#include <gtest/gtest.h>

#include <vector>

#include "wire/payload/vp8_descriptor.h"

namespace rtcgate::media {
namespace {

using wire::payload::Vp8Descriptor;

// A VP8 payload with a 15-bit PictureID and a TL0PICIDX, then one payload byte.
std::vector<uint8_t> vp8(uint16_t pictureId, uint8_t tl0) {
  return {0x90, 0xC0, static_cast<uint8_t>(0x80 | (pictureId >> 8)), static_cast<uint8_t>(pictureId),
          tl0,  0x01};
}

struct Ids {
  uint16_t pictureId;
  uint8_t tl0;
};

Ids forward(Vp8PictureRewriter& r, uint16_t pictureId, uint8_t tl0) {
  auto p = vp8(pictureId, tl0);
  EXPECT_TRUE(r.rewrite(p));
  auto d = Vp8Descriptor::parse(p);
  EXPECT_TRUE(d.ok());
  return {d->pictureId, d->tl0PicIdx};
}

TEST(Vp8PictureRewriterTest, FirstSourceStartsAtZeroAndKeepsGaps) {
  Vp8PictureRewriter r;
  Ids a = forward(r, 5000, 40);
  EXPECT_EQ(a.pictureId, 0);
  EXPECT_EQ(a.tl0, 0);
  Ids b = forward(r, 5003, 41);
  EXPECT_EQ(b.pictureId, 3);
  EXPECT_EQ(b.tl0, 1);
  Ids late = forward(r, 5002, 41);  // reordered: mapped, does not move the last id
  EXPECT_EQ(late.pictureId, 2);
  EXPECT_EQ(r.lastPictureId(), 3);
}

TEST(Vp8PictureRewriterTest, SwitchContinuesAfterLastPicture) {
  Vp8PictureRewriter r;
  forward(r, 100, 7);
  forward(r, 101, 8);
  r.switchSource();
  Ids n = forward(r, 32000, 200);
  EXPECT_EQ(n.pictureId, 2);
  EXPECT_EQ(n.tl0, 2);
  Ids m = forward(r, 32001, 201);
  EXPECT_EQ(m.pictureId, 3);
}

TEST(Vp8PictureRewriterTest, WrapsAt15And8Bits) {
  Vp8PictureRewriter r;
  forward(r, 0, 0);
  Ids a = forward(r, 0x7fff, 255);  // one before 0 in 15-bit order: old, maps to 0x7fff
  EXPECT_EQ(a.pictureId, 0x7fff);
  EXPECT_EQ(r.lastPictureId(), 0);
  r.switchSource();
  Ids b = forward(r, 10, 10);
  EXPECT_EQ(b.pictureId, 1);
  EXPECT_EQ(b.tl0, 1);
}

TEST(Vp8PictureRewriterTest, PacketsWithoutFieldsAndGarbage) {
  Vp8PictureRewriter r;
  std::vector<uint8_t> plain = {0x10, 0x00};
  EXPECT_TRUE(r.rewrite(plain));
  EXPECT_EQ(plain, (std::vector<uint8_t>{0x10, 0x00}));
  std::vector<uint8_t> empty;
  EXPECT_FALSE(r.rewrite(empty));
}

TEST(Vp8PictureRewriterTest, OffsetWaitsForAPacketCarryingTheField) {
  Vp8PictureRewriter r;
  forward(r, 100, 7);
  r.switchSource();
  std::vector<uint8_t> plain = {0x10, 0x00};  // first packet of the new source has no ids
  EXPECT_TRUE(r.rewrite(plain));
  Ids n = forward(r, 9000, 90);
  EXPECT_EQ(n.pictureId, 1);
  EXPECT_EQ(n.tl0, 1);
}

}  // namespace
}  // namespace rtcgate::media
