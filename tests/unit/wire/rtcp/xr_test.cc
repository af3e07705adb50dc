#include "wire/rtcp/xr.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

// RRTR (BT=4) then DLRR (BT=5) with one sub-block, as Chromium sends them.
constexpr std::string_view kXr =
    "80cf0008 11223344"
    "04000002 e0000000 80000000"
    "05000003 55667788 12345678 00010000";

TEST(Xr, DecodesRrtrAndDlrr) {
  const auto bytes = hexBytes(kXr);
  auto x = Xr::parse(bytes);
  ASSERT_TRUE(x.ok()) << x.error().message;
  EXPECT_EQ(x->senderSsrc, 0x11223344u);
  ASSERT_TRUE(x->rrtrNtp.has_value());
  EXPECT_EQ(*x->rrtrNtp, 0xe000000080000000ull);
  ASSERT_EQ(x->dlrrCount, 1);
  EXPECT_EQ(x->dlrr[0], (DlrrItem{0x55667788, 0x12345678, 0x10000}));
  std::vector<uint8_t> out(x->size());
  ASSERT_TRUE(x->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto s) { return Xr::parse(s); });
}

TEST(Xr, SkipsUnknownBlocks) {
  // BT=6 (statistics summary) of 1 word, then RRTR.
  const auto bytes = hexBytes("80cf0006 11223344 06000001 aabbccdd 04000002 00000001 00000002");
  auto x = Xr::parse(bytes);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->rrtrNtp, 0x0000000100000002ull);
  EXPECT_EQ(x->dlrrCount, 0);
}

TEST(Xr, RejectsBadBlockLengths) {
  struct Case {
    const char* name;
    std::string_view hex;
  };
  const Case cases[] = {
      {"block overruns", "80cf0003 11223344 06000002 aabbccdd"},
      {"rrtr wrong length", "80cf0003 11223344 04000001 aabbccdd"},
      {"dlrr not 3 words", "80cf0004 11223344 05000002 00000000 00000000"},
      {"half block header", "80cf0002 11223344 0600"},
  };
  for (const auto& c : cases) EXPECT_FALSE(Xr::parse(hexBytes(c.hex)).ok()) << c.name;
}

TEST(XrBlockIterator, YieldsRawBlocks) {
  const auto bytes = hexBytes(kXr);
  XrBlockIterator it(std::span<const uint8_t>(bytes).subspan(8));
  XrBlock b;
  ASSERT_TRUE(it.next(b));
  EXPECT_EQ(b.blockType, 4);
  ASSERT_TRUE(it.next(b));
  EXPECT_EQ(b.blockType, 5);
  EXPECT_EQ(b.body.size(), 12u);
  EXPECT_FALSE(it.next(b));
  EXPECT_FALSE(it.malformed());
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
