#include "wire/rtcp/rtcp_header.h"

#include <gtest/gtest.h>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

TEST(RtcpHeader, ParsesFieldsAndStripsPadding) {
  // RR with RC=0, P=1: length 2 → 12 bytes, last byte says 4 bytes of padding.
  const auto bytes = hexBytes("a0c90002 11223344 00000004");
  auto h = RtcpHeader::parse(bytes);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->packetType, 201);
  EXPECT_EQ(h->count, 0);
  EXPECT_TRUE(h->padding);
  EXPECT_EQ(h->packetSize, 12u);
  EXPECT_EQ(h->body.size(), 4u);
}

TEST(RtcpHeader, RejectsBadFraming) {
  struct Case {
    const char* name;
    std::string_view hex;
  };
  const Case cases[] = {
      {"short", "80c900"},
      {"version 1", "40c90000"},
      {"length beyond datagram", "80c90002 11223344"},
      {"zero padding count", "a0c90001 11223300"},
      {"padding beyond body", "a0c90001 11223309"},
  };
  for (const auto& c : cases) EXPECT_FALSE(RtcpHeader::parse(hexBytes(c.hex)).ok()) << c.name;
}

TEST(RtcpHeader, WritesAndRefusesBadSizes) {
  std::array<uint8_t, 4> out{};
  ByteWriter w(out);
  ASSERT_TRUE(RtcpHeader::write(w, 31, 200, 8, true));
  EXPECT_EQ(out, (std::array<uint8_t, 4>{0xbf, 200, 0, 1}));
  ByteWriter w2(out);
  EXPECT_FALSE(RtcpHeader::write(w2, 32, 200, 8));
  EXPECT_FALSE(RtcpHeader::write(w2, 1, 200, 6));
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
