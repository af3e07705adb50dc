#include "media/rtp_time_mapper.h"

namespace rtcgate::media {
namespace {

constexpr int64_t kUsPerSecond = 1'000'000;

// Floor division, so negative offsets (reordered packets) round the same way as positive.
int64_t floorDiv(int64_t a, int64_t b) noexcept {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

int64_t RtpTimeMapper::toUs(uint32_t rtpTs) noexcept {
  if (rate_ == 0) return 0;
  if (!unwrapper_.started()) first_ = unwrapper_.unwrap(rtpTs);
  const int64_t ticks = unwrapper_.unwrap(rtpTs) - first_;
  // Rounded to nearest, so toRtp() (also rounded to nearest) gives the ticks back: one
  // tick is at least 1/48000 s ≈ 20.8 µs, far coarser than the rounding error.
  return floorDiv(ticks * kUsPerSecond * 2 + rate_, int64_t{rate_} * 2);
}

uint32_t RtpTimeMapper::toRtp(int64_t us) const noexcept {
  const int64_t ticks = floorDiv(us * rate_ * 2 + kUsPerSecond, kUsPerSecond * 2);
  return base_ + static_cast<uint32_t>(ticks);
}

}  // namespace rtcgate::media
