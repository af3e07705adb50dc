#include "wire/rtmp/protocol_control.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtmp {
namespace {

using rtcgate::test::expectEveryTruncationRejected;
using rtcgate::test::hexBytes;

template <typename T>
std::vector<uint8_t> bytesOf(const T& msg) {
  std::array<uint8_t, 16> buf{};
  auto n = msg.serializeTo(buf);
  EXPECT_TRUE(n.ok());
  return {buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n.ok() ? *n : 0)};
}

TEST(ProtocolControl, SetChunkSize) {
  const auto bytes = hexBytes("00001000");
  auto m = SetChunkSize::parse(bytes);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->chunkSize, 4096u);
  EXPECT_EQ(bytesOf(*m), bytes);
  expectEveryTruncationRejected(bytes, [](auto s) { return SetChunkSize::parse(s); });
  EXPECT_FALSE(SetChunkSize::parse(hexBytes("00000000")).ok());
  EXPECT_FALSE(SetChunkSize::parse(hexBytes("80000001")).ok());
  EXPECT_TRUE(SetChunkSize::parse(hexBytes("7fffffff")).ok());
}

TEST(ProtocolControl, AbortAckAndWindow) {
  const auto bytes = hexBytes("01020304");
  EXPECT_EQ(Abort::parse(bytes)->chunkStreamId, 0x01020304u);
  EXPECT_EQ(Acknowledgement::parse(bytes)->sequenceNumber, 0x01020304u);
  EXPECT_EQ(WindowAckSize::parse(bytes)->windowSize, 0x01020304u);
  EXPECT_EQ(bytesOf(Abort{0x01020304}), bytes);
  EXPECT_EQ(bytesOf(Acknowledgement{0x01020304}), bytes);
  EXPECT_EQ(bytesOf(WindowAckSize{0x01020304}), bytes);
  expectEveryTruncationRejected(bytes, [](auto s) { return Acknowledgement::parse(s); });
}

TEST(ProtocolControl, SetPeerBandwidth) {
  const auto bytes = hexBytes("002625a0 02");
  auto m = SetPeerBandwidth::parse(bytes);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->windowSize, 2500000u);
  EXPECT_EQ(m->limitType, SetPeerBandwidth::LimitType::kDynamic);
  EXPECT_EQ(bytesOf(*m), bytes);
  expectEveryTruncationRejected(bytes, [](auto s) { return SetPeerBandwidth::parse(s); });
  EXPECT_FALSE(SetPeerBandwidth::parse(hexBytes("002625a0 03")).ok());
}

TEST(ProtocolControl, UserControlEvents) {
  struct Case {
    const char* hex;
    UserControlEvent event;
    uint32_t value;
    uint32_t buffer;
  };
  const Case cases[] = {
      {"0000 00000001", UserControlEvent::kStreamBegin, 1, 0},
      {"0001 00000001", UserControlEvent::kStreamEof, 1, 0},
      {"0003 00000001 00000bb8", UserControlEvent::kSetBufferLength, 1, 3000},
      {"0006 0000abcd", UserControlEvent::kPingRequest, 0xabcd, 0},
      {"0007 0000abcd", UserControlEvent::kPingResponse, 0xabcd, 0},
  };
  for (const auto& c : cases) {
    const auto bytes = hexBytes(c.hex);
    auto m = UserControl::parse(bytes);
    ASSERT_TRUE(m.ok()) << c.hex;
    EXPECT_EQ(m->event, c.event);
    EXPECT_EQ(m->value, c.value);
    EXPECT_EQ(m->bufferLengthMs, c.buffer);
    EXPECT_EQ(m->size(), bytes.size());
    EXPECT_EQ(bytesOf(*m), bytes);
    expectEveryTruncationRejected(bytes, [](auto s) { return UserControl::parse(s); });
  }
  EXPECT_FALSE(UserControl::parse(hexBytes("0005 00000000")).ok());
  EXPECT_FALSE(UserControl::parse(hexBytes("0020 00000000")).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
