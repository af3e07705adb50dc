#pragma once
// AudioLimiter: keeps a mix inside full scale without the hard clipping that a plain sum
// of loud sources would give. A peak above the threshold pulls the gain down at once (for
// the whole 20 ms block, with a ramp from the previous gain so there is no click); the
// gain comes back up slowly once the sum is quiet again. One per mix output.

#include <algorithm>
#include <cmath>
#include <span>

namespace rtcgate::mcu {

class AudioLimiter {
 public:
  // Peaks are held at or below this (about -0.9 dBFS).
  static constexpr float kThreshold = 0.9f;
  // Gain recovery per block: 20 ms blocks, about 0.5 s from -6 dB back to unity.
  static constexpr float kRelease = 1.07f;

  // Scales `samples` in place; afterwards every |sample| <= 1.
  void process(std::span<float> samples) noexcept {
    float peak = 0.0f;
    for (float s : samples) peak = std::max(peak, std::fabs(s));
    const float needed = peak > kThreshold ? kThreshold / peak : 1.0f;
    const float target = std::min(needed, std::min(1.0f, gain_ * kRelease));
    // Ramp from the last gain to the new one across the block; never above what the peak needs.
    const size_t n = samples.size();
    for (size_t i = 0; i < n; ++i) {
      const float t = n > 1 ? static_cast<float>(i) / static_cast<float>(n - 1) : 1.0f;
      const float g = std::min(gain_ + (target - gain_) * t, needed);
      samples[i] = std::clamp(samples[i] * g, -1.0f, 1.0f);
    }
    gain_ = target;
  }
  float gain() const noexcept { return gain_; }

 private:
  float gain_ = 1.0f;
};

}  // namespace rtcgate::mcu
