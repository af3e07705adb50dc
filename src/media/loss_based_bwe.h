#pragma once
// LossBasedBwe: the loss-based half of Google Congestion Control
// (draft-ietf-rmcat-gcc-02 §6), estimating one subscriber's downlink from its reports.

#include <cstdint>

namespace rtcgate::media {

// Bounds and starting point of the estimate.
struct LossBasedBweConfig {
  int64_t initialBps = 1'000'000;
  int64_t minBps = 30'000;
  int64_t maxBps = 20'000'000;
};

// Grows the estimate 8 %/s while loss stays under 2 %, holds it between 2 and 10 %, and
// cuts it by half the loss ratio above 10 %; a REMB from the receiver caps it.
class LossBasedBwe {
 public:
  explicit LossBasedBwe(const LossBasedBweConfig& config = {}) noexcept;

  // `fractionLost`: the report block's 8-bit fixed-point loss (/256).
  void onReceiverReport(uint8_t fractionLost, int64_t nowUs) noexcept;
  // The receiver's own estimate (REMB); 0 lifts the cap.
  void onRemb(int64_t bps) noexcept;
  // Decreases wait at least this long after the previous one, so a single loss burst
  // reported twice is not punished twice (§6: "at most once per rtt + 300 ms").
  void setRttMs(int64_t rttMs) noexcept { rttUs_ = rttMs * 1000; }

  int64_t estimateBps() const noexcept { return estimate_; }

 private:
  void clamp() noexcept;

  LossBasedBweConfig config_;
  double estimateF_;  // unrounded, so slow growth still accumulates
  int64_t estimate_;
  int64_t rembCap_ = 0;
  int64_t rttUs_ = 0;
  int64_t lastReportUs_ = 0;
  int64_t lastDecreaseUs_ = 0;
  bool haveReport_ = false;
  bool haveDecrease_ = false;
};

}  // namespace rtcgate::media
