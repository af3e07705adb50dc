#include "base/base64.h"

#include <gtest/gtest.h>

namespace rtcgate {
namespace {

TEST(Base64Url, RoundTripsEveryLength) {
  std::vector<uint8_t> bytes;
  for (int n = 0; n < 70; ++n) {
    const std::string text = toBase64Url(bytes);
    EXPECT_EQ(text.find('='), std::string::npos);
    auto back = fromBase64Url(text);
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, bytes);
    bytes.push_back(static_cast<uint8_t>(n * 37 + 250));
  }
}

TEST(Base64Url, UsesTheUrlAlphabet) {
  const std::vector<uint8_t> bytes{0xfb, 0xff, 0xbf};
  EXPECT_EQ(toBase64Url(bytes), "-_-_");
  EXPECT_EQ(toBase64Url(std::string_view("{\"alg\":\"HS256\"}")), "eyJhbGciOiJIUzI1NiJ9");
}

TEST(Base64Url, RefusesWhatNoEncoderWrites) {
  EXPECT_FALSE(fromBase64Url("ab+c").ok());  // standard alphabet
  EXPECT_FALSE(fromBase64Url("ab/c").ok());
  EXPECT_FALSE(fromBase64Url("YQ==").ok());   // padding
  EXPECT_FALSE(fromBase64Url("abcde").ok());  // a lone sextet
  EXPECT_FALSE(fromBase64Url("ab c").ok());
  EXPECT_FALSE(fromBase64Url("YR").ok());  // non-zero unused bits ("YQ" is 'a')
  EXPECT_TRUE(fromBase64Url("YQ").ok());
}

}  // namespace
}  // namespace rtcgate
