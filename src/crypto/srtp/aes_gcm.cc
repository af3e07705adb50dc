#include "crypto/srtp/aes_gcm.h"

#include <openssl/evp.h>

#include <climits>

namespace rtcgate::crypto::srtp {
namespace {

bool feedAad(EVP_CIPHER_CTX* ctx, std::span<const uint8_t> aad) noexcept {
  if (aad.empty()) return true;
  int outLength = 0;
  return EVP_CipherUpdate(ctx, nullptr, &outLength, aad.data(), static_cast<int>(aad.size())) == 1;
}

bool feedData(EVP_CIPHER_CTX* ctx, uint8_t* data, size_t length) noexcept {
  if (length == 0) return true;
  if (length > static_cast<size_t>(INT_MAX)) return false;
  int outLength = 0;
  return EVP_CipherUpdate(ctx, data, &outLength, data, static_cast<int>(length)) == 1 &&
         static_cast<size_t>(outLength) == length;
}

EVP_CIPHER_CTX* newKeyedCtx(std::span<const uint8_t> key, int encrypt) noexcept {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return nullptr;
  // The 12-byte IV is GCM's default length, so no EVP_CTRL_GCM_SET_IVLEN is needed.
  if (EVP_CipherInit_ex(ctx, EVP_aes_128_gcm(), nullptr, key.data(), nullptr, encrypt) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

}  // namespace

void AesGcm::CtxDeleter::operator()(evp_cipher_ctx_st* ctx) const noexcept {
  EVP_CIPHER_CTX_free(ctx);
}

Result<AesGcm> AesGcm::create(std::span<const uint8_t> key) noexcept {
  if (key.size() != kKeyLength) return Error::malformed("AES-GCM key must be 16 bytes");
  CtxPtr seal(newKeyedCtx(key, 1));
  CtxPtr open(newKeyedCtx(key, 0));
  if (!seal || !open) return Error{Error::Code::kInternal, "AES-GCM key setup failed"};
  return AesGcm(std::move(seal), std::move(open));
}

bool AesGcm::seal(const uint8_t* iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
                  uint8_t* data, size_t length, uint8_t* tag) noexcept {
  EVP_CIPHER_CTX* ctx = seal_.get();
  int finalLength = 0;
  return EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, iv, 1) == 1 && feedAad(ctx, aad1) &&
         feedAad(ctx, aad2) && feedData(ctx, data, length) &&
         EVP_CipherFinal_ex(ctx, data + length, &finalLength) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagLength, tag) == 1;
}

bool AesGcm::open(const uint8_t* iv, std::span<const uint8_t> aad1, std::span<const uint8_t> aad2,
                  uint8_t* data, size_t length, const uint8_t* tag) noexcept {
  EVP_CIPHER_CTX* ctx = open_.get();
  int finalLength = 0;
  // OpenSSL takes a non-const tag pointer but only reads it.
  auto* expected = const_cast<uint8_t*>(tag);
  return EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, iv, 0) == 1 && feedAad(ctx, aad1) &&
         feedAad(ctx, aad2) && feedData(ctx, data, length) &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagLength, expected) == 1 &&
         EVP_CipherFinal_ex(ctx, data + length, &finalLength) == 1;
}

}  // namespace rtcgate::crypto::srtp
