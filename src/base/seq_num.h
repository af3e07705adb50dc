#pragma once
// Wrap-around arithmetic for RTP sequence numbers and timestamps (RFC 3550 §A.1).

#include <cstdint>

namespace rtcgate {

// True when `a` comes after `b` in 16-bit serial-number order.
constexpr bool seqNewer(uint16_t a, uint16_t b) noexcept {
  return a != b && static_cast<uint16_t>(a - b) < 0x8000;
}
constexpr bool tsNewer(uint32_t a, uint32_t b) noexcept {
  return a != b && static_cast<uint32_t>(a - b) < 0x80000000u;
}

// Extends 16-bit sequence numbers to 64 bits, tolerating reordering across a wrap.
class SeqUnwrapper {
 public:
  int64_t unwrap(uint16_t seq) noexcept {
    if (!started_) {
      started_ = true;
      last_ = seq;
      return last_;
    }
    const auto delta = static_cast<int16_t>(seq - static_cast<uint16_t>(last_));
    const int64_t value = last_ + delta;
    if (delta > 0) last_ = value;
    return value;
  }
  // What unwrap(seq) would return, without moving the reference.
  int64_t peek(uint16_t seq) const noexcept {
    if (!started_) return seq;
    return last_ + static_cast<int16_t>(seq - static_cast<uint16_t>(last_));
  }
  bool started() const noexcept { return started_; }
  int64_t highest() const noexcept { return last_; }

 private:
  bool started_ = false;
  int64_t last_ = 0;
};

}  // namespace rtcgate
