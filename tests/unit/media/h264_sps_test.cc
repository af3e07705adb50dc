#include "media/h264_sps.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::media {
namespace {

using rtcgate::test::hexBytes;

// SPS NAL units written by x264 (ffmpeg -f lavfi -i testsrc2=size=WxH -c:v libx264 ...),
// with the field values ffmpeg's trace_headers bitstream filter reports for them.
struct RealSps {
  const char* name;
  const char* hex;
  uint8_t profile;
  uint8_t constraints;
  uint8_t chroma;
  bool frameMbsOnly;
  uint16_t width;
  uint16_t height;
  double frameRate;
};

const RealSps kRealSps[] = {
    // Baseline 640x360: 23 MB rows cropped by 8 lines.
    {"baseline_360p", "6742c01ed900a02ff97011000003000100000300320f162e48", 66, 0xC0, 1, true, 640, 360, 25},
    {"main_720p", "674d401feca02802dd80880000030008000003019078c18cb0", 77, 0x40, 1, true, 1280, 720, 25},
    // High 1080p: 68 MB rows (1088 lines) cropped to 1080.
    {"high_1080p", "67640028acd940780227e5c044000003000400000300c83c60c658", 100, 0, 1, true, 1920, 1080, 25},
    // High 4:4:4 Predictive: chroma_format_idc 3, crop units of one sample.
    {"high444_720p", "67f4001f919b280a00b76022000003000200000300641e30632c", 244, 0, 3, true, 1280, 720, 25},
    // Interlaced 176x144 at 12.5 frames/s: map units are field MB pairs, crop unit 4 lines.
    {"interlaced_qcif", "67640015acd942cafcb808800000030100000300190f8a14cb", 100, 0, 1, false, 176, 144, 12.5},
};

TEST(H264Sps, ParsesRealEncoderOutput) {
  for (const auto& v : kRealSps) {
    SCOPED_TRACE(v.name);
    const auto bytes = hexBytes(v.hex);
    auto sps = H264Sps::parse(bytes);
    ASSERT_TRUE(sps.ok()) << sps.error().message;
    EXPECT_EQ(sps->profileIdc, v.profile);
    EXPECT_EQ(sps->constraintFlags, v.constraints);
    EXPECT_EQ(sps->chromaFormatIdc, v.chroma);
    EXPECT_EQ(sps->frameMbsOnly, v.frameMbsOnly);
    EXPECT_EQ(sps->width, v.width);
    EXPECT_EQ(sps->height, v.height);
    // The timing info sits behind emulation prevention bytes (00 00 03 00 01): a wrong
    // unescape would give a different rate.
    EXPECT_DOUBLE_EQ(sps->frameRate, v.frameRate);
    EXPECT_EQ(sps->bitDepthLuma, 8);
  }
}

TEST(H264Sps, PrefixesFailOrAgree) {
  // A cut inside the VUI keeps the picture size (the frame rate unknown unless the timing
  // info made it); a cut before the VUI fails.
  for (const auto& v : kRealSps) {
    SCOPED_TRACE(v.name);
    const auto bytes = hexBytes(v.hex);
    for (size_t len = 0; len < bytes.size(); ++len) {
      std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
      auto sps = H264Sps::parse(prefix);
      if (len < 8) {
        EXPECT_FALSE(sps.ok()) << len;
      }
      if (!sps.ok()) continue;
      EXPECT_EQ(sps->width, v.width) << len;
      EXPECT_EQ(sps->height, v.height) << len;
      EXPECT_TRUE(sps->frameRate == 0 || sps->frameRate == v.frameRate) << len;
    }
  }
}

// Writes RBSP bits, then escapes them into a NAL unit (§7.4.1), for SPS shapes x264 does
// not produce.
class SpsWriter {
 public:
  void u(unsigned n, uint32_t v) {
    for (unsigned i = n; i-- > 0;) bits_.push_back((v >> i) & 1);
  }
  void ue(uint32_t v) {
    const uint64_t code = uint64_t{v} + 1;
    unsigned len = 0;
    while ((code >> len) > 1) ++len;
    u(len, 0);
    for (unsigned i = len + 1; i-- > 0;) bits_.push_back((code >> i) & 1);
  }
  void se(int32_t v) { ue(v > 0 ? static_cast<uint32_t>(2 * v - 1) : static_cast<uint32_t>(-2 * int64_t{v})); }
  std::vector<uint8_t> nal() const {
    std::vector<uint8_t> rbsp;
    auto b = bits_;
    b.push_back(1);  // rbsp_stop_one_bit
    while (b.size() % 8) b.push_back(0);
    for (size_t i = 0; i < b.size(); i += 8) {
      uint8_t byte = 0;
      for (size_t j = 0; j < 8; ++j) byte = static_cast<uint8_t>(byte << 1 | b[i + j]);
      rbsp.push_back(byte);
    }
    std::vector<uint8_t> out{0x67};
    unsigned zeros = 0;
    for (uint8_t byte : rbsp) {
      if (zeros >= 2 && byte <= 3) {
        out.push_back(3);
        zeros = 0;
      }
      out.push_back(byte);
      zeros = byte == 0 ? zeros + 1 : 0;
    }
    return out;
  }

 private:
  std::vector<int> bits_;
};

// High profile 4:2:2 with scaling matrices, POC type 1 and an extended-SAR VUI.
std::vector<uint8_t> highWithScalingLists(uint32_t chroma, uint32_t widthMbs, uint32_t heightUnits,
                                          uint32_t cropRight, uint32_t cropBottom) {
  SpsWriter w;
  w.u(8, 122);  // High 4:2:2
  w.u(8, 0);
  w.u(8, 40);
  w.ue(3);  // seq_parameter_set_id
  w.ue(chroma);
  if (chroma == 3) w.u(1, 0);  // separate_colour_plane_flag
  w.ue(2);                     // bit_depth_luma_minus8: 10 bit
  w.ue(2);
  w.u(1, 0);  // qpprime_y_zero_transform_bypass_flag
  w.u(1, 1);  // seq_scaling_matrix_present_flag
  for (int i = 0; i < (chroma == 3 ? 12 : 8); ++i) {
    const bool present = i % 2 == 0;
    w.u(1, present);
    if (!present) continue;
    const int size = i < 6 ? 16 : 64;
    for (int j = 0; j < size; ++j) w.se(j == 5 ? -8 : 3);  // wraps through the modulo
  }
  w.ue(0);  // log2_max_frame_num_minus4
  w.ue(1);  // pic_order_cnt_type
  w.u(1, 0);
  w.se(-2);
  w.se(1);
  w.ue(3);  // num_ref_frames_in_pic_order_cnt_cycle
  for (int i = 0; i < 3; ++i) w.se(i - 1);
  w.ue(4);  // max_num_ref_frames
  w.u(1, 0);
  w.ue(widthMbs - 1);
  w.ue(heightUnits - 1);
  w.u(1, 1);  // frame_mbs_only_flag
  w.u(1, 1);  // direct_8x8_inference_flag
  w.u(1, 1);  // frame_cropping_flag
  w.ue(0);
  w.ue(cropRight);
  w.ue(0);
  w.ue(cropBottom);
  w.u(1, 1);  // vui_parameters_present_flag
  w.u(1, 1);
  w.u(8, 255);  // Extended_SAR
  w.u(16, 4);
  w.u(16, 3);
  w.u(1, 1);  // overscan_info_present_flag
  w.u(1, 0);
  w.u(1, 1);  // video_signal_type_present_flag
  w.u(3, 5);
  w.u(1, 0);
  w.u(1, 1);
  w.u(24, 0x010101);
  w.u(1, 1);  // chroma_loc_info_present_flag
  w.ue(1);
  w.ue(1);
  w.u(1, 1);  // timing_info_present_flag
  w.u(32, 1001);
  w.u(32, 60000);
  w.u(1, 1);
  return w.nal();
}

TEST(H264Sps, HighProfileScalingListsAndCroppingByChromaFormat) {
  // 4:2:2: crop unit 2 samples wide, 1 line high.
  auto sps = H264Sps::parse(highWithScalingLists(2, 120, 68, 4, 8));
  ASSERT_TRUE(sps.ok()) << sps.error().message;
  EXPECT_EQ(sps->profileIdc, 122);
  EXPECT_EQ(sps->chromaFormatIdc, 2);
  EXPECT_EQ(sps->bitDepthLuma, 10);
  EXPECT_EQ(sps->width, 1920 - 8);
  EXPECT_EQ(sps->height, 1088 - 8);
  EXPECT_NEAR(sps->frameRate, 29.97, 0.001);
  // 4:4:4 (twelve scaling lists): crop units of one sample.
  sps = H264Sps::parse(highWithScalingLists(3, 120, 68, 4, 8));
  ASSERT_TRUE(sps.ok()) << sps.error().message;
  EXPECT_EQ(sps->width, 1920 - 4);
  EXPECT_EQ(sps->height, 1088 - 8);
  // 4:2:0: two-sample crop units both ways.
  sps = H264Sps::parse(highWithScalingLists(1, 120, 68, 0, 4));
  ASSERT_TRUE(sps.ok()) << sps.error().message;
  EXPECT_EQ(sps->width, 1920);
  EXPECT_EQ(sps->height, 1080);
  // Monochrome: ChromaArrayType 0, crop unit one sample.
  sps = H264Sps::parse(highWithScalingLists(0, 10, 10, 1, 1));
  ASSERT_TRUE(sps.ok()) << sps.error().message;
  EXPECT_EQ(sps->width, 159);
  EXPECT_EQ(sps->height, 159);
}

TEST(H264Sps, RejectsMalformed) {
  EXPECT_FALSE(H264Sps::parse({}).ok());
  EXPECT_FALSE(H264Sps::parse(hexBytes("68ebe3cb22c0")).ok());  // a PPS
  // Cropping the whole picture away.
  EXPECT_FALSE(H264Sps::parse(highWithScalingLists(1, 2, 2, 16, 0)).ok());
  // chroma_format_idc 4.
  auto bad = highWithScalingLists(4, 10, 10, 0, 0);
  EXPECT_FALSE(H264Sps::parse(bad).ok());
  // 32 leading zero bits: an Exp-Golomb code past 32 bits.
  EXPECT_FALSE(H264Sps::parse(hexBytes("67 42c01e 00000000 80")).ok());
  // A scaling list delta out of range is refused, not wrapped.
  SpsWriter w;
  w.u(8, 100);
  w.u(16, 0);
  w.ue(0);
  w.ue(1);
  w.ue(0);
  w.ue(0);
  w.u(1, 0);
  w.u(1, 1);
  w.u(1, 1);
  w.se(200);
  EXPECT_FALSE(H264Sps::parse(w.nal()).ok());
}

}  // namespace
}  // namespace rtcgate::media
