// ChannelData (RFC 8656 §12.4): round trip, padding rules, channel range, truncation.
#include "wire/turn/channel_data.h"

#include <gtest/gtest.h>

#include <array>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::turn {
namespace {

TEST(ChannelData, RoundTripsWithAndWithoutPadding) {
  const std::array<uint8_t, 5> data{1, 2, 3, 4, 5};
  std::array<uint8_t, 32> out{};
  auto n = serializeChannelData(0x4001, data, false, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 9U);
  EXPECT_EQ(toHex(std::span<const uint8_t>(out).first(*n)), "400100050102030405");
  auto padded = serializeChannelData(0x4001, data, true, out);
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(*padded, 12U);  // §12.5: a multiple of 4 over streams
  auto cd = parseChannelData(std::span<const uint8_t>(out).first(*padded));
  ASSERT_TRUE(cd.ok());
  EXPECT_EQ(cd->channel, 0x4001);
  ASSERT_EQ(cd->data.size(), 5U);
  EXPECT_EQ(cd->data[4], 5);
}

TEST(ChannelData, RefusesChannelsOutsideTheRange) {
  const auto low = test::hexBytes("3fff0000");
  const auto high = test::hexBytes("50000000");
  EXPECT_FALSE(parseChannelData(low).ok());
  EXPECT_FALSE(parseChannelData(high).ok());
  std::array<uint8_t, 8> out{};
  EXPECT_FALSE(serializeChannelData(0x5000, {}, false, out).ok());
  EXPECT_TRUE(parseChannelData(test::hexBytes("4fff0000")).ok());  // empty data is allowed
}

TEST(ChannelData, RefusesMoreThanPaddingAfterTheData) {
  EXPECT_TRUE(parseChannelData(test::hexBytes("40000001aa000000")).ok());
  EXPECT_FALSE(parseChannelData(test::hexBytes("40000001aa00000000")).ok());
}

TEST(ChannelData, RejectsEveryTruncation) {
  const auto bytes = test::hexBytes("4abc00080102030405060708");
  test::expectEveryTruncationRejected(bytes, [](std::span<const uint8_t> b) { return parseChannelData(b); });
}

TEST(ChannelData, DoesNotWritePastTheOutput) {
  const std::array<uint8_t, 8> data{};
  std::array<uint8_t, 11> out{};
  EXPECT_FALSE(serializeChannelData(0x4000, data, false, out).ok());
}

TEST(ChannelData, FirstByteClassifies) {
  EXPECT_TRUE(looksLikeChannelData(test::hexBytes("40")));
  EXPECT_TRUE(looksLikeChannelData(test::hexBytes("4f")));
  EXPECT_FALSE(looksLikeChannelData(test::hexBytes("00")));
  EXPECT_FALSE(looksLikeChannelData(test::hexBytes("80")));
}

}  // namespace
}  // namespace rtcgate::wire::turn
