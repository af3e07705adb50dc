// OpenSSL 3.0's EVP_MD_CTX_copy_ex and EVP_MAC_CTX_dup allocate on every copy, so the per-packet
// HMAC uses the (deprecated but still shipped, SHA-NI accelerated) low-level SHA1 API, whose
// SHA_CTX is a plain struct that can be copied by value.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "crypto/srtp/hmac_sha1.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>

namespace rtcgate::crypto::srtp {

struct HmacSha1::KeyedStates {
  SHA_CTX inner;
  SHA_CTX outer;
};

HmacSha1::HmacSha1(std::unique_ptr<KeyedStates> states) noexcept : states_(std::move(states)) {}
HmacSha1::HmacSha1(HmacSha1&&) noexcept = default;
HmacSha1& HmacSha1::operator=(HmacSha1&&) noexcept = default;
HmacSha1::~HmacSha1() {
  if (states_) OPENSSL_cleanse(states_.get(), sizeof(KeyedStates));
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
  std::unique_ptr<KeyedStates> states(new (std::nothrow) KeyedStates);
  if (!states) return Error{Error::Code::kInternal, "out of memory"};
  bool ok = SHA1_Init(&states->inner) == 1 && SHA1_Update(&states->inner, ipad.data(), kBlock) == 1 &&
            SHA1_Init(&states->outer) == 1 && SHA1_Update(&states->outer, opad.data(), kBlock) == 1;
  OPENSSL_cleanse(block.data(), kBlock);
  OPENSSL_cleanse(ipad.data(), kBlock);
  OPENSSL_cleanse(opad.data(), kBlock);
  if (!ok) return Error{Error::Code::kInternal, "SHA1 init failed"};
  return HmacSha1(std::move(states));
}

void HmacSha1::compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
                       uint8_t (&digest)[kDigestLength]) const noexcept {
  SHA_CTX ctx = states_->inner;
  SHA1_Update(&ctx, part1.data(), part1.size());
  SHA1_Update(&ctx, part2.data(), part2.size());
  uint8_t innerDigest[kDigestLength];
  SHA1_Final(innerDigest, &ctx);
  ctx = states_->outer;
  SHA1_Update(&ctx, innerDigest, kDigestLength);
  SHA1_Final(digest, &ctx);
}

}  // namespace rtcgate::crypto::srtp
