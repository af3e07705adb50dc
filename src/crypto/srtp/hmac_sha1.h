#pragma once
// HmacSha1: HMAC-SHA1 (RFC 2104) with the keyed inner/outer states precomputed once,
// for the SRTP authentication tag (RFC 3711 §4.2.1).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::crypto::srtp {

// The two keyed SHA-1 states (after absorbing key^ipad and key^opad) are computed at
// creation; a MAC copies them by value, so a packet costs no key schedule, no allocation
// and no EVP provider dispatch. The states are kept as bytes so this header does not
// expose OpenSSL's deprecated SHA_CTX.
class HmacSha1 {
 public:
  static constexpr size_t kDigestLength = 20;
  static constexpr size_t kStateSize = 96;  // sizeof(SHA_CTX), checked in the .cc

  static Result<HmacSha1> create(std::span<const uint8_t> key) noexcept;
  HmacSha1(const HmacSha1&) = default;
  HmacSha1& operator=(const HmacSha1&) = default;
  ~HmacSha1();

  // MAC over the concatenation part1 || part2 (packet || ROC, or packet || SRTCP index).
  void compute(std::span<const uint8_t> part1, std::span<const uint8_t> part2,
               uint8_t (&digest)[kDigestLength]) const noexcept;

 private:
  HmacSha1() = default;
  alignas(8) std::array<uint8_t, kStateSize> inner_{};
  alignas(8) std::array<uint8_t, kStateSize> outer_{};
};

}  // namespace rtcgate::crypto::srtp
