#pragma once
// Wrap-around arithmetic for RTP sequence numbers and timestamps (RFC 3550 §A.1).

#include <cstdint>
#include <type_traits>

namespace rtcgate {

// True when `a` comes after `b` in 16-bit serial-number order.
constexpr bool seqNewer(uint16_t a, uint16_t b) noexcept {
  return a != b && static_cast<uint16_t>(a - b) < 0x8000;
}
constexpr bool tsNewer(uint32_t a, uint32_t b) noexcept {
  return a != b && static_cast<uint32_t>(a - b) < 0x80000000u;
}

// Extends wrapping counters (16-bit RTP sequence numbers, 32-bit RTP timestamps) to 64 bits,
// tolerating reordering of up to half the range across a wrap.
template <typename UInt>
class Unwrapper {
  using Signed = std::make_signed_t<UInt>;

 public:
  int64_t unwrap(UInt value) noexcept {
    if (!started_) {
      started_ = true;
      last_ = value;
      return last_;
    }
    const auto delta = static_cast<Signed>(value - static_cast<UInt>(last_));
    const int64_t result = last_ + delta;
    if (delta > 0) last_ = result;
    return result;
  }
  // What unwrap(value) would return, without moving the reference.
  int64_t peek(UInt value) const noexcept {
    if (!started_) return value;
    return last_ + static_cast<Signed>(value - static_cast<UInt>(last_));
  }
  bool started() const noexcept { return started_; }
  int64_t highest() const noexcept { return last_; }

 private:
  bool started_ = false;
  int64_t last_ = 0;
};

using SeqUnwrapper = Unwrapper<uint16_t>;
using TimestampUnwrapper = Unwrapper<uint32_t>;

}  // namespace rtcgate
