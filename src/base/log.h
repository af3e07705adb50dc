#pragma once
// Logging through spdlog, plus a rate limiter for messages about bad input.

#include <spdlog/spdlog.h>

#include <cstdint>

namespace rtcgate {

void initLogging(const std::string& level);

// Lets at most `burst` events through per `periodUs`; the rest are counted as suppressed,
// so a flood of bad packets costs a compare, not a log line each.
class RateLimit {
 public:
  RateLimit(int64_t periodUs, uint32_t burst) : period_(periodUs), burst_(burst) {}
  bool allow(int64_t nowUs) noexcept {
    if (nowUs - windowStart_ >= period_) {
      windowStart_ = nowUs;
      suppressedLast_ = suppressed_;
      suppressed_ = 0;
      count_ = 0;
    }
    if (count_ < burst_) {
      ++count_;
      return true;
    }
    ++suppressed_;
    return false;
  }
  // How many were held back in the previous window (to report when logging again).
  uint64_t suppressedLastWindow() const noexcept { return suppressedLast_; }

 private:
  int64_t period_;
  uint32_t burst_;
  int64_t windowStart_ = INT64_MIN / 2;
  uint32_t count_ = 0;
  uint64_t suppressed_ = 0;
  uint64_t suppressedLast_ = 0;
};

}  // namespace rtcgate
