// Fuzz target: the H.264 SPS parser (Exp-Golomb fields, scaling lists, cropping, VUI) on
// arbitrary NAL units. Whatever parses must describe a picture that exists, and every
// prefix of the input must parse to the same picture or fail (never read past the end).
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/h264_sps.h"

using rtcgate::media::H264Sps;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  auto sps = H264Sps::parse(bytes);
  if (!sps.ok()) return 0;
  check(sps->width > 0 && sps->height > 0);
  check(sps->chromaFormatIdc <= 3 && sps->spsId <= 31);
  check(sps->bitDepthLuma >= 8 && sps->bitDepthLuma <= 14);
  check(sps->frameRate >= 0);
  if (size > 1) {
    auto shorter = H264Sps::parse(bytes.first(size - 1));
    check(!shorter.ok() || (shorter->width == sps->width && shorter->height == sps->height));
  }
  return 0;
}
