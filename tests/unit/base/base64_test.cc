#include "base/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rtcgate {
namespace {

std::vector<uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (size_t i = 0; i < std::size(plain); ++i) {
    EXPECT_EQ(toBase64(bytes(plain[i])), coded[i]);
    auto back = fromBase64(coded[i]);
    ASSERT_TRUE(back.ok()) << coded[i];
    EXPECT_EQ(*back, bytes(plain[i]));
  }
}

TEST(Base64, AcceptsMissingPadding) {
  auto v = fromBase64("Zm9vYg");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, bytes("foob"));
}

TEST(Base64, DecodesSpropParameterSet) {
  // An SPS as browsers and encoders write it in sprop-parameter-sets.
  auto v = fromBase64("Z0LAH9kAUAW7ARAAAAMAEAAAAwPI8YMkgA==");
  ASSERT_TRUE(v.ok());
  ASSERT_FALSE(v->empty());
  EXPECT_EQ((*v)[0] & 0x1f, 7);
  EXPECT_EQ(toBase64(*v), "Z0LAH9kAUAW7ARAAAAMAEAAAAwPI8YMkgA==");
}

TEST(Base64, RejectsBadInput) {
  EXPECT_FALSE(fromBase64("Zm9v!").ok());
  EXPECT_FALSE(fromBase64("Zm9vY").ok());
  EXPECT_FALSE(fromBase64("Zm=9v").ok());
}

}  // namespace
}  // namespace rtcgate
