#include "base/clock.h"

#include <time.h>

namespace rtcgate {

int64_t SteadyClock::nowUs() const noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
}

int64_t unixTimeMs() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

uint64_t ntpNow() noexcept {
  constexpr uint64_t kNtpUnixOffset = 2'208'988'800ULL;  // seconds 1900 → 1970
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const uint64_t secs = static_cast<uint64_t>(ts.tv_sec) + kNtpUnixOffset;
  const uint64_t frac = (static_cast<uint64_t>(ts.tv_nsec) << 32) / 1'000'000'000ULL;
  return (secs << 32) | frac;
}

}  // namespace rtcgate
