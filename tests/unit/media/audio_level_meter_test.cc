#include "media/audio_level_meter.h"

#include <gtest/gtest.h>

namespace rtcgate::media {
namespace {

TEST(AudioLevelMeter, FollowsTheLevelsAndGoesSilentWhenPacketsStop) {
  AudioLevelMeter m;
  EXPECT_EQ(m.level(0), 0.0f);
  int64_t now = 0;
  for (int i = 0; i < 100; ++i) m.onLevel(20, now += 20'000);  // -20 dBov: amplitude 0.1
  EXPECT_NEAR(m.level(now), 0.1f, 0.005f);
  for (int i = 0; i < 100; ++i) m.onLevel(127, now += 20'000);  // digital silence
  EXPECT_LT(m.level(now), 0.001f);
  m.onLevel(0, now);
  EXPECT_GT(m.level(now), 0.05f);
  EXPECT_EQ(m.level(now + AudioLevelMeter::kStaleUs + 1), 0.0f);
  m.onLevel(0xff, now);  // the voice-activity bit is not part of the level
  EXPECT_GT(m.level(now), 0.05f);
}

}  // namespace
}  // namespace rtcgate::media
