#include "crypto/srtp/hmac_sha1.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "base/hex.h"

namespace rtcgate::crypto::srtp {
namespace {

std::string mac(const std::vector<uint8_t>& key, std::string_view data, size_t split) {
  auto h = HmacSha1::create(key);
  EXPECT_TRUE(h.ok());
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  uint8_t digest[HmacSha1::kDigestLength];
  h->compute({bytes, split}, {bytes + split, data.size() - split}, digest);
  return toHex(digest);
}

// RFC 2202 §3 test cases 1, 2 and 6 (key longer than a block), split at every point.
TEST(HmacSha1Test, Rfc2202Vectors) {
  const std::string_view hiThere = "Hi There";
  for (size_t split = 0; split <= hiThere.size(); ++split) {
    EXPECT_EQ(mac(std::vector<uint8_t>(20, 0x0b), hiThere, split),
              "b617318655057264e28bc0b6fb378c8ef146be00");
  }
  const std::string_view jefe = "what do ya want for nothing?";
  EXPECT_EQ(mac({'J', 'e', 'f', 'e'}, jefe, 5), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(mac(std::vector<uint8_t>(80, 0xaa), "Test Using Larger Than Block-Size Key - Hash Key First", 10),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(HmacSha1Test, CopiesShareNoState) {
  auto h = HmacSha1::create(std::vector<uint8_t>(20, 0x0b));
  ASSERT_TRUE(h.ok());
  HmacSha1 copy = *h;
  const uint8_t data[] = {'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e'};
  uint8_t a[HmacSha1::kDigestLength];
  uint8_t b[HmacSha1::kDigestLength];
  h->compute(data, {}, a);
  h->compute(data, {}, a);  // states are not consumed by a MAC
  copy.compute(data, {}, b);
  EXPECT_EQ(toHex(a), toHex(b));
}

}  // namespace
}  // namespace rtcgate::crypto::srtp
