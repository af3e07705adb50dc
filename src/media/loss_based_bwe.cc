#include "media/loss_based_bwe.h"

#include <algorithm>
#include <cmath>

namespace rtcgate::media {

namespace {

constexpr double kLowLoss = 0.02;
constexpr double kHighLoss = 0.10;
constexpr double kGrowthPerSecond = 1.08;
constexpr int64_t kMaxGrowthStepUs = 1'000'000;  // a long silence is not a licence to jump
constexpr int64_t kDecreaseHoldUs = 300'000;

}  // namespace

LossBasedBwe::LossBasedBwe(const LossBasedBweConfig& config) noexcept
    : config_(config), estimateF_(static_cast<double>(config.initialBps)), estimate_(config.initialBps) {
  clamp();
}

void LossBasedBwe::onReceiverReport(uint8_t fractionLost, int64_t nowUs) noexcept {
  const double loss = fractionLost / 256.0;
  const int64_t elapsedUs = haveReport_ ? std::clamp<int64_t>(nowUs - lastReportUs_, 0, kMaxGrowthStepUs) : 0;
  haveReport_ = true;
  lastReportUs_ = nowUs;
  if (loss < kLowLoss) {
    estimateF_ *= std::pow(kGrowthPerSecond, static_cast<double>(elapsedUs) / 1e6);
  } else if (loss > kHighLoss) {
    if (haveDecrease_ && nowUs - lastDecreaseUs_ < rttUs_ + kDecreaseHoldUs) return;
    estimateF_ *= 1.0 - 0.5 * loss;
    haveDecrease_ = true;
    lastDecreaseUs_ = nowUs;
  }
  clamp();
}

void LossBasedBwe::onRemb(int64_t bps) noexcept {
  rembCap_ = bps > 0 ? bps : 0;
  clamp();
}

void LossBasedBwe::clamp() noexcept {
  double upper = static_cast<double>(config_.maxBps);
  if (rembCap_ > 0) upper = std::min(upper, static_cast<double>(rembCap_));
  upper = std::max(upper, static_cast<double>(config_.minBps));
  estimateF_ = std::clamp(estimateF_, static_cast<double>(config_.minBps), upper);
  estimate_ = static_cast<int64_t>(estimateF_);
}

}  // namespace rtcgate::media
