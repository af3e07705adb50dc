#pragma once
// TwccRecorder: records arrivals of transport-wide sequence numbers and turns them into
// transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/seq_num.h"

namespace rtcgate::media {

// Counters for stats and tests.
struct TwccCounters {
  uint64_t packets = 0;
  uint64_t lateArrivals = 0;     // arrived after feedback already reported them lost
  uint64_t feedbackPackets = 0;  // RTCP packets built
};

// One per publisher transport: browsers run send-side BWE on this feedback, so without it
// they never ramp up. Call onPacket() for every RTP packet carrying the transport-cc
// header extension and buildFeedback() about every 50 ms.
class TwccRecorder {
 public:
  static constexpr size_t kWindow = 4096;  // packets remembered since the last feedback
  static constexpr int64_t kDefaultIntervalUs = 50'000;

  explicit TwccRecorder(int64_t intervalUs = kDefaultIntervalUs) noexcept : intervalUs_(intervalUs) {}

  void onPacket(uint16_t twccSeq, int64_t arrivalUs) noexcept;

  // Writes one or more transport-cc feedback packets (back to back, as a compound) about
  // everything received since the previous call; packets missing in between are
  // reported as not received. Returns the bytes written, 0 when there is nothing new.
  // What does not fit in `out` stays for the next call.
  size_t buildFeedback(uint32_t senderSsrc, uint32_t mediaSsrc, int64_t nowUs,
                       std::span<uint8_t> out) noexcept;

  int64_t nextFeedbackDueUs() const noexcept { return lastFeedbackUs_ + intervalUs_; }
  bool hasPending() const noexcept { return started_ && next_ <= highest_; }
  const TwccCounters& counters() const noexcept { return counters_; }

 private:
  static constexpr int64_t kNotReceived = INT64_MIN;

  int64_t& slot(int64_t seq) noexcept { return arrivals_[static_cast<size_t>(seq) & (kWindow - 1)]; }
  void advanceTo(int64_t seq) noexcept;

  std::array<int64_t, kWindow> arrivals_{};
  SeqUnwrapper unwrapper_;
  TwccCounters counters_;
  int64_t next_ = 0;     // first unwrapped seq not yet reported
  int64_t highest_ = 0;  // highest unwrapped seq seen
  int64_t lastFeedbackUs_ = 0;
  int64_t intervalUs_;
  uint8_t fbCount_ = 0;
  bool started_ = false;
};

}  // namespace rtcgate::media
