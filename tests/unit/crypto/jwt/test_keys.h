#pragma once
// Keys made in the test with OpenSSL, as the PEM and JWKS texts the gateway reads.

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/base64.h"

namespace rtcgate::crypto::jwt::testing {

struct PemPair {
  std::string publicPem;
  std::string privatePem;
  std::string jwk;  // the public key as one JWK object (no kid)
};

inline std::string bioText(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

inline std::string bnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::vector<uint8_t> bytes(static_cast<size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, bytes.data());
  BN_free(bn);
  return toBase64Url(bytes);
}

inline PemPair pemOf(EVP_PKEY* key) {
  PemPair p;
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  p.publicPem = bioText(pub);
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  p.privatePem = bioText(priv);
  if (EVP_PKEY_is_a(key, "EC")) {
    uint8_t point[133];
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &len);
    const size_t half = (len - 1) / 2;
    p.jwk = nlohmann::json{{"kty", "EC"},
                           {"crv", "P-256"},
                           {"x", toBase64Url(std::span<const uint8_t>(point + 1, half))},
                           {"y", toBase64Url(std::span<const uint8_t>(point + 1 + half, half))}}
                .dump();
  } else {
    p.jwk = nlohmann::json{{"kty", "RSA"},
                           {"n", bnParam(key, OSSL_PKEY_PARAM_RSA_N)},
                           {"e", bnParam(key, OSSL_PKEY_PARAM_RSA_E)}}
                .dump();
  }
  EVP_PKEY_free(key);
  return p;
}

inline PemPair ecKey(const char* curve = "P-256") {
  return pemOf(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}
inline PemPair rsaKey(size_t bits = 2048) {
  return pemOf(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
}

}  // namespace rtcgate::crypto::jwt::testing
