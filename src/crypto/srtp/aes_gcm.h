#pragma once
// AesGcm: AES-128-GCM keyed once, sealing and opening packets in place (RFC 7714 §5.2).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/result.h"

struct evp_cipher_ctx_st;

namespace rtcgate::crypto::srtp {

// Two EVP contexts (seal, open) keyed at creation. Per packet only the 12-byte IV is set,
// the associated data is fed in up to two pieces (SRTCP's AAD is not contiguous), and the
// 16-byte tag is written or checked.
class AesGcm {
 public:
  static constexpr size_t kKeyLength = 16;
  static constexpr size_t kIvLength = 12;
  static constexpr size_t kTagLength = 16;

  static Result<AesGcm> create(std::span<const uint8_t> key) noexcept;

  // Encrypts `data` in place and writes the tag to `tag`.
  bool seal(const uint8_t* iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2, uint8_t* data,
            size_t length, uint8_t* tag) noexcept;
  // Decrypts `data` in place; false when the tag does not verify (data is then garbage).
  bool open(const uint8_t* iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2, uint8_t* data,
            size_t length, const uint8_t* tag) noexcept;

 private:
  struct CtxDeleter {
    void operator()(evp_cipher_ctx_st* ctx) const noexcept;
  };
  using CtxPtr = std::unique_ptr<evp_cipher_ctx_st, CtxDeleter>;
  AesGcm(CtxPtr seal, CtxPtr open) noexcept : seal_(std::move(seal)), open_(std::move(open)) {}
  CtxPtr seal_;
  CtxPtr open_;
};

}  // namespace rtcgate::crypto::srtp
