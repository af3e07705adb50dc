#pragma once
// RateWindow: bytes per second over a sliding window, in fixed buckets (no allocation).

#include <array>
#include <cstddef>
#include <cstdint>

namespace rtcgate::media {

// A bitrate meter for stats and the admin API: bytes are added to the bucket of their
// time slot; the rate is the sum of the buckets still inside the window.
class RateWindow {
 public:
  static constexpr int kBuckets = 20;
  static constexpr int64_t kWindowUs = 1'000'000;
  static constexpr int64_t kBucketUs = kWindowUs / kBuckets;

  void add(uint64_t bytes, int64_t nowUs) noexcept {
    advance(nowUs);
    buckets_[static_cast<size_t>(slot(nowUs) % kBuckets)] += bytes;
  }

  // Bits per second over the last second (the current partial bucket included).
  uint64_t bitrateBps(int64_t nowUs) noexcept {
    advance(nowUs);
    uint64_t sum = 0;
    for (uint64_t b : buckets_) sum += b;
    return sum * 8 * 1'000'000 / kWindowUs;
  }

 private:
  static int64_t slot(int64_t us) noexcept {
    return us >= 0 ? us / kBucketUs : (us - kBucketUs + 1) / kBucketUs;
  }

  // Empties the buckets whose slot left the window since the last call.
  void advance(int64_t nowUs) noexcept {
    const int64_t now = slot(nowUs);
    if (!started_) {
      started_ = true;
      current_ = now;
      return;
    }
    if (now <= current_) return;  // time never runs backwards here; ignore if it does
    const int64_t steps = now - current_ < kBuckets ? now - current_ : kBuckets;
    for (int64_t i = 1; i <= steps; ++i) buckets_[static_cast<size_t>((current_ + i) % kBuckets)] = 0;
    current_ = now;
  }

  std::array<uint64_t, kBuckets> buckets_{};
  int64_t current_ = 0;
  bool started_ = false;
};

}  // namespace rtcgate::media
