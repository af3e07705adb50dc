// TURN over a byte stream (RFC 8656 §12.5): frame lengths of STUN and padded ChannelData.
#include "wire/turn/stream_framing.h"

#include <gtest/gtest.h>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::turn {
namespace {

TEST(StreamFraming, NeedsTheHeaderStartToKnow) {
  EXPECT_EQ(*nextFrameLength({}), 0U);
  EXPECT_EQ(*nextFrameLength(test::hexBytes("000100")), 0U);
  EXPECT_EQ(*nextFrameLength(test::hexBytes("000300082112a4")), 0U);  // STUN: up to the cookie
  EXPECT_EQ(*nextFrameLength(test::hexBytes("400000")), 0U);
}

TEST(StreamFraming, StunIsHeaderPlusLength) {
  EXPECT_EQ(*nextFrameLength(test::hexBytes("000300082112a442")), 28U);
  EXPECT_FALSE(nextFrameLength(test::hexBytes("000300062112a442")).ok());  // not a multiple of 4
  EXPECT_FALSE(nextFrameLength(test::hexBytes("0003000800000000")).ok());  // no magic cookie
}

TEST(StreamFraming, ChannelDataIsPaddedToFour) {
  EXPECT_EQ(*nextFrameLength(test::hexBytes("40000005")), 12U);
  EXPECT_EQ(*nextFrameLength(test::hexBytes("40000008")), 12U);
  EXPECT_EQ(*nextFrameLength(test::hexBytes("4fff0000")), 4U);
}

TEST(StreamFraming, RefusesOtherBytesAndLongFrames) {
  EXPECT_FALSE(nextFrameLength(test::hexBytes("1603010200010000")).ok());  // a TLS ClientHello record
  EXPECT_FALSE(nextFrameLength(test::hexBytes("8000000000")).ok());
  EXPECT_FALSE(nextFrameLength(test::hexBytes("4000ffff"), 1000).ok());
  EXPECT_EQ(*nextFrameLength(test::hexBytes("4000ffff")), 4U + 65536U);
}

}  // namespace
}  // namespace rtcgate::wire::turn
