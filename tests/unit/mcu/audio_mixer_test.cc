// The audio mix's arithmetic: sums, mix-minus, the limiter, the loudest-N choice, and
// sources that are late or stop.
#include "mcu/audio_mixer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace rtcgate::mcu {
namespace {

// A 20 ms block of a sine at `hz` and `amplitude` (of full scale), mono.
std::vector<int16_t> tone(double hz, double amplitude, int64_t step = 0) {
  std::vector<int16_t> out(kMixStepFrames);
  for (size_t i = 0; i < out.size(); ++i) {
    const double t = static_cast<double>(step * static_cast<int64_t>(kMixStepFrames) + static_cast<int64_t>(i)) / kMixRate;
    out[i] = static_cast<int16_t>(std::lround(amplitude * 32767.0 * std::sin(2 * std::numbers::pi * hz * t)));
  }
  return out;
}

// How much of `hz` a block holds (the magnitude of one DFT bin, as amplitude).
double bandLevel(const std::vector<float>& s, double hz) {
  double re = 0, im = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const double w = 2 * std::numbers::pi * hz * static_cast<double>(i) / kMixRate;
    re += s[i] * std::cos(w);
    im += s[i] * std::sin(w);
  }
  return 2 * std::hypot(re, im) / static_cast<double>(s.size());
}

float peak(const std::vector<float>& s) {
  float p = 0;
  for (float v : s) p = std::max(p, std::fabs(v));
  return p;
}

TEST(AudioMixerTest, SumsTheSourcesOfOneSlot) {
  AudioMixer m;
  m.addSource("a");
  m.addSource("b");
  ASSERT_TRUE(m.push("a", tone(400, 0.2), 0));
  ASSERT_TRUE(m.push("b", tone(1000, 0.2), 5'000));  // same 20 ms slot
  const MixedStep step = m.mix(10'000);
  EXPECT_EQ(step.mixed.size(), 2u);
  EXPECT_NEAR(bandLevel(step.full, 400), 0.2, 0.01);
  EXPECT_NEAR(bandLevel(step.full, 1000), 0.2, 0.01);
  EXPECT_TRUE(step.minus.empty());
}

TEST(AudioMixerTest, MixMinusLeavesOutTheListenersOwnVoice) {
  AudioMixer m;
  for (const char* id : {"a", "b", "c"}) m.addSource(id);
  m.setMixMinus("a", true);
  m.setMixMinus("c", true);
  m.push("a", tone(400, 0.2), 0);
  m.push("b", tone(700, 0.2), 0);
  m.push("c", tone(1000, 0.2), 0);
  const MixedStep step = m.mix(0);
  ASSERT_EQ(step.minus.size(), 2u);
  const auto& forA = step.minus.at("a");
  EXPECT_LT(bandLevel(forA, 400), 0.005);
  EXPECT_NEAR(bandLevel(forA, 700), 0.2, 0.01);
  EXPECT_NEAR(bandLevel(forA, 1000), 0.2, 0.01);
  const auto& forC = step.minus.at("c");
  EXPECT_NEAR(bandLevel(forC, 400), 0.2, 0.01);
  EXPECT_LT(bandLevel(forC, 1000), 0.005);
}

TEST(AudioMixerTest, LoudSumsAreLimitedNotClipped) {
  AudioMixer m({.loudest = 0});
  for (int i = 0; i < 4; ++i) m.addSource("s" + std::to_string(i));
  for (int64_t step = 0; step < 20; ++step) {
    for (int i = 0; i < 4; ++i) m.push("s" + std::to_string(i), tone(440, 0.9, step), step * kMixStepUs);
    const MixedStep out = m.mix(step * kMixStepUs);
    EXPECT_LE(peak(out.full), 1.0f) << step;
    EXPECT_LE(peak(out.full), AudioLimiter::kThreshold + 1e-3f) << step;
    // Still the tone, and loud: the limiter scales, it does not flatten.
    EXPECT_GT(bandLevel(out.full, 440), 0.8) << step;
  }
  // Once the sources go quiet, the gain comes back.
  for (int64_t step = 20; step < 80; ++step) {
    for (int i = 0; i < 4; ++i) m.push("s" + std::to_string(i), tone(440, 0.05, step), step * kMixStepUs);
    (void)m.mix(step * kMixStepUs);
  }
  m.push("s0", tone(440, 0.2, 80), 80 * kMixStepUs);
  const MixedStep quiet = m.mix(80 * kMixStepUs);
  EXPECT_NEAR(bandLevel(quiet.full, 440), 0.2, 0.02);
}

TEST(AudioMixerTest, OnlyTheLoudestNAreMixed) {
  AudioMixer m({.loudest = 2});
  m.addSource("quiet");
  m.addSource("loud");
  m.addSource("medium");
  m.push("quiet", tone(300, 0.01), 0);
  m.push("loud", tone(500, 0.3), 0);
  m.push("medium", tone(900, 0.1), 0);
  const MixedStep step = m.mix(0);
  EXPECT_EQ(step.mixed, (std::vector<std::string>{"loud", "medium"}));
  EXPECT_LT(bandLevel(step.full, 300), 0.002);
}

// A source whose blocks stop (or arrive late) is left out; the mix goes on without it.
TEST(AudioMixerTest, AStalledSourceIsLeftOutAndLateBlocksDropped) {
  AudioMixer m;
  m.addSource("steady");
  m.addSource("stalls");
  for (int64_t step = 0; step < 10; ++step) {
    m.push("steady", tone(400, 0.2, step), step * kMixStepUs);
    if (step < 3) m.push("stalls", tone(1000, 0.2, step), step * kMixStepUs);
    const MixedStep out = m.mix(step * kMixStepUs);
    EXPECT_NEAR(bandLevel(out.full, 400), 0.2, 0.01) << step;
    EXPECT_EQ(out.mixed.size(), step < 3 ? 2u : 1u) << step;
  }
  // A block for a slot already mixed is refused and counted.
  EXPECT_FALSE(m.push("stalls", tone(1000, 0.2), 5 * kMixStepUs));
  EXPECT_EQ(m.droppedLate(), 1u);
  // A source far ahead of the mix fills its jitter buffer and no more.
  for (int64_t step = 11; step < 60; ++step) m.push("stalls", tone(1000, 0.2, step), step * kMixStepUs);
  EXPECT_GT(m.droppedOverflow(), 0u);
}

TEST(AudioMixerTest, JitterBufferReordersBlocks) {
  AudioMixer m;
  m.addSource("a");
  m.push("a", tone(400, 0.2, 2), 2 * kMixStepUs);
  m.push("a", tone(400, 0.2, 0), 0);
  m.push("a", tone(400, 0.2, 1), kMixStepUs);
  for (int64_t step = 0; step < 3; ++step) EXPECT_EQ(m.mix(step * kMixStepUs).mixed.size(), 1u) << step;
}

TEST(AudioMixerTest, StereoBlocksAndWrongSizes) {
  AudioMixer m({.channels = 2});
  m.addSource("a");
  EXPECT_FALSE(m.push("a", tone(400, 0.2), 0));  // a mono block to a stereo mix
  std::vector<int16_t> stereo(2 * kMixStepFrames, 1000);
  EXPECT_TRUE(m.push("a", stereo, 0));
  EXPECT_EQ(m.mix(0).full.size(), 2 * kMixStepFrames);
  EXPECT_FALSE(m.push("nobody", stereo, kMixStepUs));
}

}  // namespace
}  // namespace rtcgate::mcu
