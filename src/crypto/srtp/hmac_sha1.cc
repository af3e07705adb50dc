// OpenSSL 3.0's EVP_MD_CTX_copy_ex and EVP_MAC_CTX_dup allocate on every copy, so the per-packet
// HMAC uses the (deprecated but still shipped, SHA-NI accelerated) low-level SHA1 API, whose
// SHA_CTX is a plain struct that can be copied by value.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "crypto/srtp/hmac_sha1.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace rtcgate::crypto::srtp {

static_assert(sizeof(SHA_CTX) == HmacSha1::kStateSize, "HmacSha1::kStateSize must match SHA_CTX");

HmacSha1::~HmacSha1() {
  OPENSSL_cleanse(inner_.data(), inner_.size());
  OPENSSL_cleanse(outer_.data(), outer_.size());
}

Result<HmacSha1> HmacSha1::create(std::span<const uint8_t> key) noexcept {
  constexpr size_t kBlock = SHA_CBLOCK;
  std::array<uint8_t, kBlock> block{};
  if (key.size() > kBlock) {
    SHA1(key.data(), key.size(), block.data());  // RFC 2104 §2: long keys are hashed first
  } else if (!key.empty()) {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<uint8_t, kBlock> ipad{};
  std::array<uint8_t, kBlock> opad{};
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<uint8_t>(block[i] ^ 0x36);
    opad[i] = static_cast<uint8_t>(block[i] ^ 0x5c);
  }
  SHA_CTX inner;
  SHA_CTX outer;
  const bool ok = SHA1_Init(&inner) == 1 && SHA1_Update(&inner, ipad.data(), kBlock) == 1 &&
                  SHA1_Init(&outer) == 1 && SHA1_Update(&outer, opad.data(), kBlock) == 1;
  HmacSha1 mac;
  std::memcpy(mac.inner_.data(), &inner, kStateSize);
  std::memcpy(mac.outer_.data(), &outer, kStateSize);
  OPENSSL_cleanse(&inner, sizeof inner);
  OPENSSL_cleanse(&outer, sizeof outer);
  OPENSSL_cleanse(block.data(), kBlock);
  OPENSSL_cleanse(ipad.data(), kBlock);
  OPENSSL_cleanse(opad.data(), kBlock);
  if (!ok) return Error{Error::Code::kInternal, "SHA1 init failed"};
  return mac;
}

void HmacSha1::compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
                       uint8_t (&digest)[kDigestLength]) const noexcept {
  SHA_CTX ctx;
  std::memcpy(&ctx, inner_.data(), kStateSize);
  SHA1_Update(&ctx, part1.data(), part1.size());
  SHA1_Update(&ctx, part2.data(), part2.size());
  uint8_t innerDigest[kDigestLength];
  SHA1_Final(innerDigest, &ctx);
  std::memcpy(&ctx, outer_.data(), kStateSize);
  SHA1_Update(&ctx, innerDigest, kDigestLength);
  SHA1_Final(digest, &ctx);
}

}  // namespace rtcgate::crypto::srtp
