#pragma once
// AudioLevelMeter: how loud a track is, from the RFC 6464 audio level each packet carries
// (the sender's -dBov of that packet's audio), smoothed over a few hundred milliseconds.
// Active-speaker ranking reads it; the packet path only feeds it (no allocation).

#include <array>
#include <cmath>
#include <cstdint>

namespace rtcgate::media {

class AudioLevelMeter {
 public:
  // No packet with a level for this long: silent (muted, stopped, or gone).
  static constexpr int64_t kStaleUs = 500'000;

  // `dbov` is the level field of the extension (RFC 6464 §3): 0 loudest, 127 silence.
  void onLevel(uint8_t dbov, int64_t nowUs) noexcept {
    const float amplitude = amplitudes()[dbov & 0x7f];
    // About 16 packets (320 ms of 20 ms Opus frames) to follow a change.
    smoothed_ += (amplitude - smoothed_) * 0.0625f;
    lastUs_ = nowUs;
  }
  // Linear amplitude, 0 (silence) to 1 (full scale).
  float level(int64_t nowUs) const noexcept { return nowUs - lastUs_ > kStaleUs ? 0.0f : smoothed_; }

 private:
  // 10^(-dBov/20) for every level value.
  static const std::array<float, 128>& amplitudes() noexcept {
    static const std::array<float, 128> table = [] {
      std::array<float, 128> t{};
      for (size_t i = 0; i < t.size(); ++i) t[i] = std::pow(10.0f, -static_cast<float>(i) / 20.0f);
      t[127] = 0.0f;  // 127 means digital silence
      return t;
    }();
    return table;
  }

  float smoothed_ = 0.0f;
  int64_t lastUs_ = INT64_MIN / 2;
};

}  // namespace rtcgate::media
