#pragma once
// RtpTimeMapper: converts between a stream's 32-bit RTP timestamps and frame microseconds.

#include <cstdint>

#include "base/seq_num.h"

namespace rtcgate::media {

// Maps RTP timestamps to microseconds from the stream's first timestamp (receiving side),
// and microseconds to RTP timestamps from a chosen base (sending side). The round trip
// RTP → µs → RTP is exact at 90 kHz and 48 kHz.
class RtpTimeMapper {
 public:
  // `rtpBase`: the RTP timestamp that frame time 0 maps to when sending.
  explicit RtpTimeMapper(uint32_t clockRate, uint32_t rtpBase = 0) noexcept
      : rate_(clockRate), base_(rtpBase) {}

  // Receiving: microseconds since the first timestamp passed here (negative for a packet
  // reordered before it).
  int64_t toUs(uint32_t rtpTs) noexcept;
  // Sending: the RTP timestamp of frame time `us` (wraps modulo 2^32 as RTP does).
  uint32_t toRtp(int64_t us) const noexcept;

  uint32_t clockRate() const noexcept { return rate_; }

 private:
  TimestampUnwrapper unwrapper_;
  int64_t first_ = 0;
  uint32_t rate_;
  uint32_t base_;
};

}  // namespace rtcgate::media
