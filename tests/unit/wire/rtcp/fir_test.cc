#include "wire/rtcp/fir.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

TEST(Fir, RoundTripsHandBuiltBytes) {
  const auto bytes = hexBytes("84ce0006 00000001 00000000 11223344 05000000 55667788 06000000");
  auto f = Fir::parse(bytes);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->senderSsrc, 1u);
  ASSERT_EQ(f->count, 2);
  EXPECT_EQ(f->entries[0], (FirEntry{0x11223344, 5}));
  EXPECT_EQ(f->entries[1], (FirEntry{0x55667788, 6}));
  std::vector<uint8_t> out(f->size());
  ASSERT_TRUE(f->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto s) { return Fir::parse(s); });
  EXPECT_FALSE(Fir::parse(hexBytes("84ce0003 00000001 00000000 11223344")).ok());  // half an entry
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
