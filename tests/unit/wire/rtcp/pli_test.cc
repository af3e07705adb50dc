#include "wire/rtcp/pli.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

TEST(Pli, RoundTripsHandBuiltBytes) {
  const auto bytes = hexBytes("81ce0002 00000001 11223344");
  auto p = Pli::parse(bytes);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (Pli{1, 0x11223344}));
  std::vector<uint8_t> out(p->size());
  ASSERT_TRUE(p->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto s) { return Pli::parse(s); });
  EXPECT_FALSE(Pli::parse(hexBytes("81cd0002 00000001 11223344")).ok());  // RTPFB
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
