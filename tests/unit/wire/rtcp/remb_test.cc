#include "wire/rtcp/remb.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

TEST(Remb, RoundTripsHandBuiltBytes) {
  // 1,000,000 bps = 250000 << 2: exponent 2, mantissa 0x3D090.
  const auto bytes = hexBytes("8fce0005 00000001 00000000 52454d42 01 0bd090 11223344");
  ASSERT_TRUE(isRemb(bytes));
  auto r = Remb::parse(bytes);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->bitrateBps, 1000000u);
  ASSERT_EQ(r->count, 1);
  EXPECT_EQ(r->ssrcs[0], 0x11223344u);
  std::vector<uint8_t> out(r->size());
  ASSERT_TRUE(r->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto s) { return Remb::parse(s); });
}

TEST(Remb, BitrateEncodingTable) {
  struct Case {
    uint64_t in;
    uint64_t out;  // after the 18-bit mantissa rounds down
  };
  const Case cases[] = {{0, 0},
                        {262143, 262143},
                        {262144, 262144},
                        {262145, 262144},
                        {300000000, 146484ull << 11},
                        {1ull << 40, 1ull << 40}};
  for (const auto& c : cases) {
    Remb r;
    r.bitrateBps = c.in;
    ASSERT_TRUE(r.addSsrc(9));
    std::vector<uint8_t> out(r.size());
    ASSERT_TRUE(r.serializeTo(out).ok());
    auto back = Remb::parse(out);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->bitrateBps, c.out) << c.in;
  }
}

TEST(Remb, RejectsOtherAfbAndShortSsrcList) {
  const auto notRemb = hexBytes("8fce0004 00000001 00000000 41424344 01000000");
  EXPECT_FALSE(isRemb(notRemb));
  EXPECT_EQ(Remb::parse(notRemb).error().code, Error::Code::kUnsupported);
  EXPECT_FALSE(Remb::parse(hexBytes("8fce0005 00000001 00000000 52454d42 02 0bd090 11223344")).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
