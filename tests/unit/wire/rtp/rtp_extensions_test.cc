#include "wire/rtp/rtp_extensions.h"

#include <gtest/gtest.h>

#include <array>

namespace rtcgate::wire::rtp {
namespace {

TEST(AbsSendTime, EncodesSixDotEighteenFixedPoint) {
  struct Case {
    int64_t micros;
    uint32_t value;
  };
  const Case cases[] = {
      {0, 0},
      {1000000, 1u << 18},  // 1 s
      {500000, 1u << 17},   // 0.5 s
      {63000000, 63u << 18},
      {64000000, 0},  // wraps every 64 s
      {65000000, 1u << 18},
      {3815, 1000},  // 1000 / 2^18 s = 3814.7 µs
  };
  for (const auto& c : cases) EXPECT_EQ(absSendTimeFromMicros(c.micros), c.value) << c.micros;
  EXPECT_EQ(absSendTimeToMicros(1u << 18), 1000000);
  EXPECT_EQ(absSendTimeToMicros(1000), 3815);
  std::array<uint8_t, 3> buf{};
  writeAbsSendTime(buf, 0x123456);
  EXPECT_EQ(buf, (std::array<uint8_t, 3>{0x12, 0x34, 0x56}));
  EXPECT_EQ(readAbsSendTime(buf), 0x123456u);
  EXPECT_FALSE(readAbsSendTime(std::span<const uint8_t>(buf).first(2)).has_value());
}

TEST(TransportSequence, RoundTrips) {
  std::array<uint8_t, 2> buf{};
  writeTransportSequence(buf, 0xfffe);
  EXPECT_EQ(buf[0], 0xff);
  EXPECT_EQ(buf[1], 0xfe);
  EXPECT_EQ(readTransportSequence(buf), 0xfffe);
  EXPECT_FALSE(readTransportSequence(std::span<const uint8_t>(buf).first(1)).has_value());
}

TEST(AudioLevel, ReadsVoiceBitAndLevel) {
  // RFC 6464 §3: V in the top bit, level (-dBov) in the low seven.
  const std::array<uint8_t, 1> loudVoice{0x80 | 10};
  auto a = readAudioLevel(loudVoice);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->voiceActivity);
  EXPECT_EQ(a->level, 10);
  EXPECT_EQ(encodeAudioLevel({false, 127}), 0x7f);
  EXPECT_EQ(encodeAudioLevel({true, 0}), 0x80);
  EXPECT_FALSE(readAudioLevel({}).has_value());
}

TEST(SdesString, AcceptsTokensRejectsControlBytes) {
  const std::array<uint8_t, 2> rid{'h', 'i'};
  EXPECT_EQ(readSdesString(rid), "hi");
  EXPECT_EQ(readSdesString(sdesStringBytes("0")), "0");
  const std::array<uint8_t, 2> bad{'a', 0};
  EXPECT_TRUE(readSdesString(bad).empty());
  EXPECT_TRUE(readSdesString({}).empty());
}

TEST(VideoOrientation, RoundTripsAllRotations) {
  for (uint16_t deg : {0, 90, 180, 270}) {
    const VideoOrientation v{true, false, deg};
    const std::array<uint8_t, 1> b{encodeVideoOrientation(v)};
    auto back = readVideoOrientation(b);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->rotationDegrees, deg);
    EXPECT_TRUE(back->camera);
    EXPECT_FALSE(back->flip);
  }
  EXPECT_EQ(encodeVideoOrientation({false, true, 90}), 0x05);
}

}  // namespace
}  // namespace rtcgate::wire::rtp
