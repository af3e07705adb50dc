#pragma once
// AesCtr: AES-128 in counter mode keyed once, with only the IV set per packet (RFC 3711 §4.1.1).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/result.h"

struct evp_cipher_ctx_st;

namespace rtcgate::crypto::srtp {

// Owns one EVP_CIPHER_CTX whose key schedule is computed at creation; apply() only
// resets the counter block, so a packet costs no key expansion and no allocation.
class AesCtr {
 public:
  static constexpr size_t kKeyLength = 16;
  static constexpr size_t kIvLength = 16;

  static Result<AesCtr> create(std::span<const uint8_t> key) noexcept;

  // XORs `data` in place with the keystream starting at counter block `iv`.
  bool apply(const uint8_t* iv, uint8_t* data, size_t length) noexcept;

 private:
  struct CtxDeleter {
    void operator()(evp_cipher_ctx_st* ctx) const noexcept;
  };
  explicit AesCtr(evp_cipher_ctx_st* ctx) noexcept : ctx_(ctx) {}
  std::unique_ptr<evp_cipher_ctx_st, CtxDeleter> ctx_;
};

}  // namespace rtcgate::crypto::srtp
