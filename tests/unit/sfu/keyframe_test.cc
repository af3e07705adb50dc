#include "sfu/keyframe.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtcgate::sfu {
namespace {

// RFC 7741 descriptor (X, S, PID 0; I with a 7-bit PictureID) + RFC 6386 §9.1 keyframe header.
const std::vector<uint8_t> kVp8Key = {0x90, 0x80, 0x01, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01, 0x00};

TEST(Keyframe, Vp8KeyframeStartAndSize) {
  EXPECT_TRUE(isKeyframeStart(MediaCodec::kVp8, kVp8Key));
  auto size = keyframeSize(MediaCodec::kVp8, kVp8Key);
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 640);
  EXPECT_EQ(size->height, 360);
  auto delta = kVp8Key;
  delta[3] |= 0x01;  // P = 1: an interframe
  EXPECT_FALSE(isKeyframeStart(MediaCodec::kVp8, delta));
  EXPECT_FALSE(keyframeSize(MediaCodec::kVp8, delta));
  for (size_t n = 0; n + 1 < kVp8Key.size(); ++n) {  // cut inside the header: no size, no crash
    std::span<const uint8_t> cut(kVp8Key.data(), n);
    EXPECT_FALSE(keyframeSize(MediaCodec::kVp8, cut)) << n;
  }
}

TEST(Keyframe, H264IdrInStapAAndFuA) {
  const std::vector<uint8_t> stapA = {0x18, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce};  // SPS + PPS
  EXPECT_TRUE(isKeyframeStart(MediaCodec::kH264, stapA));
  const std::vector<uint8_t> fuStartIdr = {0x7c, 0x85, 0x88};
  EXPECT_TRUE(isKeyframeStart(MediaCodec::kH264, fuStartIdr));
  const std::vector<uint8_t> sliceNonIdr = {0x41, 0x9a};
  EXPECT_FALSE(isKeyframeStart(MediaCodec::kH264, sliceNonIdr));
  EXPECT_EQ(media::codecFromName("h264"), MediaCodec::kH264);
  EXPECT_EQ(media::codecFromName("vp8"), MediaCodec::kVp8);
}

}  // namespace
}  // namespace rtcgate::sfu
