#include "wire/rtcp/app.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

TEST(App, RoundTripsNameSubtypeAndData) {
  const auto bytes = hexBytes("82cc0003 11223344 54455354 01020304");
  auto a = App::parse(bytes);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->subtype, 2);
  EXPECT_EQ(a->ssrc, 0x11223344u);
  EXPECT_EQ(a->name, (std::array<uint8_t, 4>{'T', 'E', 'S', 'T'}));
  ASSERT_EQ(a->data.size(), 4u);
  std::vector<uint8_t> out(a->size());
  ASSERT_TRUE(a->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto s) { return App::parse(s); });
}

TEST(App, RefusesUnalignedData) {
  App a;
  const std::array<uint8_t, 3> odd{1, 2, 3};
  a.data = odd;
  std::vector<uint8_t> out(64);
  EXPECT_FALSE(a.serializeTo(out).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
