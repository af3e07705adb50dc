#pragma once
// H264Sps: the fields of an H.264 sequence parameter set that bridges and RTMP metadata
// need (ITU-T H.264 §7.3.2.1.1, VUI timing from Annex E.1.1).

#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::media {

// What an SPS says about the picture: profile, chroma format, cropped size, frame rate.
struct H264Sps {
  uint8_t profileIdc = 0;
  uint8_t constraintFlags = 0;  // constraint_set0..5 flags and the two reserved bits
  uint8_t levelIdc = 0;
  uint8_t spsId = 0;
  uint8_t chromaFormatIdc = 1;  // 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4
  uint8_t bitDepthLuma = 8;
  uint8_t bitDepthChroma = 8;
  bool frameMbsOnly = true;  // false: the stream may hold interlaced fields
  uint16_t width = 0;        // after frame cropping
  uint16_t height = 0;
  // time_scale / (2 * num_units_in_tick) from the VUI timing info; 0 when absent or when
  // the VUI does not parse (the picture size is still good then).
  double frameRate = 0;

  // Parses an SPS NAL unit as it travels (NAL header byte first, emulation prevention
  // bytes still in place). No allocation; malformed or truncated input is an error.
  static Result<H264Sps> parse(std::span<const uint8_t> nal) noexcept;
};

}  // namespace rtcgate::media
