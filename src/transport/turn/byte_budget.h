#pragma once
// ByteBudget: a token bucket of bytes per second with a half-second burst, the bandwidth
// quota of one allocation or one user. Allocation-free, driven by explicit times.

#include <algorithm>
#include <cstdint>

namespace rtcgate::transport::turn {

class ByteBudget {
 public:
  ByteBudget() = default;
  explicit ByteBudget(uint64_t bitsPerSecond) noexcept
      : bytesPerSecond_(bitsPerSecond / 8),
        burst_(std::max<int64_t>(bitsPerSecond / 16, 65536)),
        tokens_(burst_) {}

  // Takes `bytes` when the bucket holds them (0 = unlimited).
  bool take(size_t bytes, int64_t nowUs) noexcept {
    if (bytesPerSecond_ == 0) return true;
    if (nowUs > lastUs_) {
      // At most a second of refill counts (the bucket is full by then), so no product overflows.
      const int64_t elapsedUs = std::min<int64_t>(nowUs - lastUs_, 1'000'000);
      tokens_ = std::min<int64_t>(burst_, tokens_ + elapsedUs * static_cast<int64_t>(bytesPerSecond_) / 1'000'000);
      lastUs_ = nowUs;
    }
    if (tokens_ < static_cast<int64_t>(bytes)) return false;
    tokens_ -= static_cast<int64_t>(bytes);
    return true;
  }
  // Gives back bytes taken for a packet that a later check dropped.
  void refund(size_t bytes) noexcept {
    tokens_ = std::min<int64_t>(burst_, tokens_ + static_cast<int64_t>(bytes));
  }

 private:
  uint64_t bytesPerSecond_ = 0;
  int64_t burst_ = 0;
  int64_t tokens_ = 0;
  int64_t lastUs_ = 0;
};

}  // namespace rtcgate::transport::turn
