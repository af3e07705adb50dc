#include "crypto/jwt/jwt_signature.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>

#include "crypto/dtls/openssl_ptr.h"

namespace rtcgate::crypto::jwt {
namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, dtls::OpensslDeleter<&EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, dtls::OpensslDeleter<&ECDSA_SIG_free>>;
constexpr size_t kCoordinateBytes = kEs256SignatureBytes / 2;

bool hmacSha256(std::span<const uint8_t> key, std::string_view input, uint8_t (&out)[EVP_MAX_MD_SIZE],
                unsigned& len) noexcept {
  return HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const uint8_t*>(input.data()), input.size(), out, &len) != nullptr;
}

}  // namespace

Result<std::vector<uint8_t>> ecdsaRawToDer(std::span<const uint8_t> raw) {
  if (raw.size() != kEs256SignatureBytes) return Error::malformed("ES256 signature is not 64 bytes");
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), kCoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + kCoordinateBytes, kCoordinateBytes, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return Error{Error::Code::kInternal, "ECDSA_SIG_set0 failed"};
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return Error{Error::Code::kInternal, "i2d_ECDSA_SIG failed"};
  std::vector<uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<std::vector<uint8_t>> ecdsaDerToRaw(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return Error::malformed("not a DER ECDSA signature");
  std::vector<uint8_t> out(kEs256SignatureBytes);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), kCoordinateBytes) != kCoordinateBytes ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + kCoordinateBytes, kCoordinateBytes) !=
          kCoordinateBytes)
    return Error::malformed("ECDSA signature does not fit P-256");
  return out;
}

bool verifySignature(const JwtKey& key, std::string_view input, std::span<const uint8_t> signature) noexcept {
  if (key.algorithm == JwtAlgorithm::kHs256) {
    if (key.secret.empty()) return false;
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (!hmacSha256(key.secret, input, mac, len)) return false;
    return signature.size() == len && CRYPTO_memcmp(mac, signature.data(), len) == 0;
  }
  if (!key.pkey) return false;
  std::vector<uint8_t> der;
  if (key.algorithm == JwtAlgorithm::kEs256) {
    try {
      auto converted = ecdsaRawToDer(signature);
      if (!converted.ok()) return false;
      der = std::move(*converted);
    } catch (const std::bad_alloc&) {
      return false;
    }
    signature = der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.pkey.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                          reinterpret_cast<const uint8_t*>(input.data()), input.size()) == 1;
}

Result<std::vector<uint8_t>> sign(const JwtKey& key, std::string_view input) {
  if (key.algorithm == JwtAlgorithm::kHs256) {
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (key.secret.empty() || !hmacSha256(key.secret, input, mac, len))
      return Error{Error::Code::kInternal, "HMAC-SHA256 failed"};
    return std::vector<uint8_t>(mac, mac + len);
  }
  if (!key.pkey || !key.hasPrivate) return Error::state("signing needs a private key");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  const auto* data = reinterpret_cast<const uint8_t*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1)
    return Error{Error::Code::kInternal, "EVP_DigestSign failed"};
  std::vector<uint8_t> out(len);
  if (EVP_DigestSign(ctx.get(), out.data(), &len, data, input.size()) != 1)
    return Error{Error::Code::kInternal, "EVP_DigestSign failed"};
  out.resize(len);
  if (key.algorithm == JwtAlgorithm::kEs256) return ecdsaDerToRaw(out);
  return out;
}

}  // namespace rtcgate::crypto::jwt
