#include "wire/rtcp/bye.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

TEST(Bye, TableOfHandBuiltPackets) {
  struct Case {
    const char* name;
    std::string_view hex;
    uint8_t count;
    std::string_view reason;
  };
  const Case cases[] = {
      {"one ssrc", "81cb0001 11223344", 1, ""},
      {"two ssrcs", "82cb0002 11223344 55667788", 2, ""},
      {"with reason", "81cb0002 11223344 03627965", 1, "bye"},
      {"reason padded", "81cb0003 11223344 04627965 21000000", 1, "bye!"},
  };
  for (const auto& c : cases) {
    const auto bytes = hexBytes(c.hex);
    auto b = Bye::parse(bytes);
    ASSERT_TRUE(b.ok()) << c.name;
    EXPECT_EQ(b->count, c.count) << c.name;
    EXPECT_EQ(b->ssrcs[0], 0x11223344u) << c.name;
    EXPECT_EQ(b->reasonText(), c.reason) << c.name;
    std::vector<uint8_t> out(b->size());
    ASSERT_TRUE(b->serializeTo(out).ok()) << c.name;
    EXPECT_EQ(out, bytes) << c.name;
    test::expectEveryTruncationRejected(bytes, [](auto s) { return Bye::parse(s); });
  }
}

TEST(Bye, RejectsReasonOverrun) {
  EXPECT_FALSE(Bye::parse(hexBytes("81cb0002 11223344 09627965")).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
