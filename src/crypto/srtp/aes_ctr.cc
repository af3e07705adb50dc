#include "crypto/srtp/aes_ctr.h"

#include <openssl/evp.h>

#include <climits>

namespace rtcgate::crypto::srtp {

void AesCtr::CtxDeleter::operator()(evp_cipher_ctx_st* ctx) const noexcept {
  EVP_CIPHER_CTX_free(ctx);
}

Result<AesCtr> AesCtr::create(std::span<const uint8_t> key) noexcept {
  if (key.size() != kKeyLength) return Error::malformed("AES-CTR key must be 16 bytes");
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return Error{Error::Code::kInternal, "EVP_CIPHER_CTX_new failed"};
  AesCtr cipher(ctx);
  // The key schedule is expanded here, once; packets only pass a new IV.
  if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, key.data(), nullptr) != 1) {
    return Error{Error::Code::kInternal, "AES-CTR key setup failed"};
  }
  return cipher;
}

bool AesCtr::apply(const uint8_t* iv, uint8_t* data, size_t length) noexcept {
  if (EVP_EncryptInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv) != 1) return false;
  if (length == 0) return true;
  if (length > static_cast<size_t>(INT_MAX)) return false;
  int outLength = 0;
  return EVP_EncryptUpdate(ctx_.get(), data, &outLength, data, static_cast<int>(length)) == 1 &&
         static_cast<size_t>(outLength) == length;
}

}  // namespace rtcgate::crypto::srtp
