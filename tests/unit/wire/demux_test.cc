#include "wire/demux.h"

#include <gtest/gtest.h>

#include <array>

namespace rtcgate::wire {
namespace {

TEST(Demux, ClassifiesEveryFirstByteRange) {
  // RFC 7983 §7 ranges, checked at both edges and just outside them.
  struct Case {
    uint8_t first;
    PacketClass expected;
  };
  const Case cases[] = {
      {0, PacketClass::kStun},         {3, PacketClass::kStun},        {4, PacketClass::kUnknown},
      {15, PacketClass::kUnknown},     {16, PacketClass::kZrtp},       {19, PacketClass::kZrtp},
      {20, PacketClass::kDtls},        {63, PacketClass::kDtls},       {64, PacketClass::kTurnChannel},
      {79, PacketClass::kTurnChannel}, {80, PacketClass::kUnknown},    {127, PacketClass::kUnknown},
      {128, PacketClass::kRtpOrRtcp},  {191, PacketClass::kRtpOrRtcp}, {192, PacketClass::kUnknown},
      {255, PacketClass::kUnknown},
  };
  for (const auto& c : cases) {
    const std::array<uint8_t, 1> b{c.first};
    EXPECT_EQ(classifyPacket(b), c.expected) << int{c.first};
  }
  EXPECT_EQ(classifyPacket({}), PacketClass::kUnknown);
}

TEST(Demux, SplitsRtcpFromRtpBySecondByte) {
  struct Case {
    uint8_t second;
    bool rtcp;
  };
  const Case cases[] = {
      {96, false},    // VP8, no marker
      {0xE0, false},  // PT 96 with marker
      {0x6F, false},  // Opus 111
      {191, false},  {192, true}, {200, true}, {201, true},  {205, true},
      {206, true},   {207, true}, {223, true}, {224, false},
  };
  for (const auto& c : cases) {
    const std::array<uint8_t, 2> b{0x80, c.second};
    EXPECT_EQ(isRtcp(b), c.rtcp) << int{c.second};
  }
  const std::array<uint8_t, 1> shortPacket{0x80};
  EXPECT_FALSE(isRtcp(shortPacket));
}

}  // namespace
}  // namespace rtcgate::wire
