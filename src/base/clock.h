#pragma once
// Clock: the time source every state machine reads, so tests can drive time by hand.

#include <cstdint>

namespace rtcgate {

// Microseconds on a monotonic clock; the epoch is arbitrary.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t nowUs() const noexcept = 0;
  int64_t nowMs() const noexcept { return nowUs() / 1000; }
};

// The real monotonic clock (CLOCK_MONOTONIC).
class SteadyClock final : public Clock {
 public:
  int64_t nowUs() const noexcept override;
};

// A clock tests advance explicitly.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t startUs = 1'000'000) : now_(startUs) {}
  int64_t nowUs() const noexcept override { return now_; }
  void advanceUs(int64_t us) noexcept { now_ += us; }
  void advanceMs(int64_t ms) noexcept { now_ += ms * 1000; }
  void setUs(int64_t us) noexcept { now_ = us; }

 private:
  int64_t now_;
};

// Wall-clock time in milliseconds since the Unix epoch (creation times shown by the API).
int64_t unixTimeMs() noexcept;

// Wall-clock time as a 64-bit NTP timestamp (RFC 3550 §4), for RTCP sender reports.
uint64_t ntpNow() noexcept;

}  // namespace rtcgate
