#include "media/rtp_time_mapper.h"

#include <gtest/gtest.h>

namespace rtcgate::media {
namespace {

TEST(RtpTimestampUnwrapperTest, ContinuesAcrossWrapAndToleratesReorder) {
  TimestampUnwrapper u;
  EXPECT_EQ(u.unwrap(0xfffffff0u), 0xfffffff0);
  EXPECT_EQ(u.unwrap(0x10), 0x100000010);
  EXPECT_EQ(u.unwrap(0xfffffff8u), 0xfffffff8);  // late, from before the wrap
  EXPECT_EQ(u.unwrap(0x20), 0x100000020);
}

TEST(RtpTimeMapperTest, MapsFromFirstTimestampAcrossWrap) {
  RtpTimeMapper m(90'000);
  EXPECT_EQ(m.toUs(0xffffff00u), 0);
  EXPECT_EQ(m.toUs(0xffffff00u + 90'000), 1'000'000);
  EXPECT_EQ(m.toUs(0xffffff00u + 3000), 33'333);
  EXPECT_EQ(m.toUs(0xffffff00u - 90), -1000);  // reordered before the first
}

TEST(RtpTimeMapperTest, RoundTripIsExactAtVideoAndOpusRates) {
  for (uint32_t rate : {90'000u, 48'000u}) {
    RtpTimeMapper in(rate);
    const RtpTimeMapper out(rate, 0x12345678);
    const uint32_t first = 0xfffff000u;
    EXPECT_EQ(in.toUs(first), 0);
    for (uint32_t ticks = 0; ticks < 200'000; ticks += 997) {
      const int64_t us = in.toUs(first + ticks);
      EXPECT_EQ(out.toRtp(us), 0x12345678u + ticks) << rate << " " << ticks;
    }
  }
}

TEST(RtpTimeMapperTest, ToRtpWrapsModulo32Bits) {
  const RtpTimeMapper m(90'000, 0xffffffffu);
  EXPECT_EQ(m.toRtp(0), 0xffffffffu);
  EXPECT_EQ(m.toRtp(1'000'000), 90'000u - 1);
  EXPECT_EQ(m.toRtp(-1'000'000), 0xffffffffu - 90'000);
}

}  // namespace
}  // namespace rtcgate::media
