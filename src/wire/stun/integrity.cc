#include "wire/stun/integrity.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "base/byte_reader.h"
#include "wire/stun/crc32.h"

namespace rtcgate::wire::stun {

void IntegrityKey::Deleter::operator()(evp_mac_ctx_st* ctx) const noexcept {
  EVP_MAC_CTX_free(ctx);
}

IntegrityKey::IntegrityKey() noexcept = default;
IntegrityKey::~IntegrityKey() = default;
IntegrityKey::IntegrityKey(IntegrityKey&&) noexcept = default;
IntegrityKey& IntegrityKey::operator=(IntegrityKey&&) noexcept = default;

Status IntegrityKey::setKey(std::string_view password) noexcept {
  ctx_.reset();
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) return Error{Error::Code::kInternal, "stun: HMAC unavailable"};
  std::unique_ptr<evp_mac_ctx_st, Deleter> ctx(EVP_MAC_CTX_new(mac));
  EVP_MAC_free(mac);  // the context holds its own reference
  if (!ctx) return Error{Error::Code::kInternal, "stun: HMAC context"};
  char digest[] = "SHA1";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  // An empty password still needs a non-null key pointer for OpenSSL to key the context.
  static const unsigned char kEmpty = 0;
  const auto* key = password.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(password.data());
  if (EVP_MAC_init(ctx.get(), key, password.size(), params) != 1) {
    return Error{Error::Code::kInternal, "stun: HMAC key"};
  }
  ctx_ = std::move(ctx);
  return {};
}

Status IntegrityKey::compute(std::span<const uint8_t> head, std::span<const uint8_t> tail,
                             std::span<uint8_t, kHmacSha1Size> out) noexcept {
  if (!ctx_) return Error::state("stun: integrity key not set");
  size_t outLen = 0;
  // A null key re-initialises with the stored key: no re-keying per message.
  if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx_.get(), head.data(), head.size()) != 1 ||
      EVP_MAC_update(ctx_.get(), tail.data(), tail.size()) != 1 ||
      EVP_MAC_final(ctx_.get(), out.data(), &outLen, out.size()) != 1 || outLen != kHmacSha1Size) {
    return Error{Error::Code::kInternal, "stun: HMAC failed"};
  }
  return {};
}

Status computeMessageIntegrity(std::span<const uint8_t> message, size_t attrOffset, IntegrityKey& key,
                               std::span<uint8_t, kHmacSha1Size> out) noexcept {
  if (attrOffset < kHeaderSize || attrOffset > message.size())
    return Error::malformed("stun: integrity offset");
  // §14.5: the length field counts up to and including MESSAGE-INTEGRITY, and later
  // attributes (FINGERPRINT) are left out of the hash.
  std::array<uint8_t, kHeaderSize> header;
  std::copy_n(message.begin(), kHeaderSize, header.begin());
  storeU16(header.data() + 2, static_cast<uint16_t>(attrOffset - kHeaderSize + 4 + kHmacSha1Size));
  return key.compute(header, message.subspan(kHeaderSize, attrOffset - kHeaderSize), out);
}

Status verifyMessageIntegrity(const StunMessage& msg, IntegrityKey& key) noexcept {
  const size_t off = msg.messageIntegrityOffset();
  if (off == 0) return Error::authFailed("no MESSAGE-INTEGRITY");
  std::array<uint8_t, kHmacSha1Size> mac;
  RTCGATE_TRY(computeMessageIntegrity(msg.bytes(), off, key, mac));
  if (CRYPTO_memcmp(mac.data(), msg.messageIntegrity().data(), kHmacSha1Size) != 0) {
    return Error::authFailed("MESSAGE-INTEGRITY mismatch");
  }
  return {};
}

Status verifyMessageIntegrity(const StunMessage& msg, std::string_view password) noexcept {
  IntegrityKey key;
  RTCGATE_TRY(key.setKey(password));
  return verifyMessageIntegrity(msg, key);
}

uint32_t computeFingerprint(std::span<const uint8_t> prefix) noexcept {
  return crc32(prefix) ^ kFingerprintXor;
}

Status verifyFingerprint(const StunMessage& msg) noexcept {
  const auto fp = msg.fingerprint();
  if (!fp) return Error::malformed("no FINGERPRINT");
  // parse() guarantees FINGERPRINT is last, so the header length already covers it.
  if (computeFingerprint(msg.bytes().first(msg.fingerprintOffset())) != *fp) {
    return Error::authFailed("FINGERPRINT mismatch");
  }
  return {};
}

}  // namespace rtcgate::wire::stun
