#include "crypto/jwt/jwt_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "crypto/dtls/openssl_ptr.h"
#include "base/base64.h"

namespace rtcgate::crypto::jwt {
namespace {

using dtls::BignumPtr;
using dtls::BioPtr;
using dtls::EvpPkeyPtr;
using dtls::X509Ptr;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, dtls::OpensslDeleter<&OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, dtls::OpensslDeleter<&OSSL_PARAM_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, dtls::OpensslDeleter<&EVP_PKEY_CTX_free>>;

BioPtr memoryBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::shared_ptr<EVP_PKEY> share(EvpPkeyPtr key) {
  return std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
}

// The algorithm a key serves, by its type: EC on P-256 → ES256, RSA of enough bits → RS256.
Result<JwtAlgorithm> algorithmOf(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof(group), &len) != 1 ||
        (std::string_view(group) != "prime256v1" && std::string_view(group) != "P-256"))
      return Error::unsupported("EC keys must be on P-256 (ES256)");
    return JwtAlgorithm::kEs256;
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) < kMinRsaBits)
      return Error::unsupported("RSA keys must have at least 2048 bits");
    return JwtAlgorithm::kRs256;
  }
  return Error::unsupported("keys must be EC P-256 (ES256) or RSA (RS256)");
}

Result<JwtKey> keyOf(EvpPkeyPtr pkey, bool hasPrivate) {
  auto alg = algorithmOf(pkey.get());
  if (!alg.ok()) return alg.error();
  JwtKey k;
  k.algorithm = *alg;
  k.pkey = share(std::move(pkey));
  k.hasPrivate = hasPrivate;
  return k;
}

// A base64url JWK member decoded, or empty.
std::vector<uint8_t> member(const nlohmann::json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return {};
  auto bytes = fromBase64Url(it->get_ref<const std::string&>());
  return bytes.ok() ? std::move(*bytes) : std::vector<uint8_t>{};
}

EvpPkeyPtr fromParams(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return nullptr;
  EvpPkeyPtr key(raw);
  // A point that is not on the curve (or a broken modulus) is no key.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

// RFC 7518 §6.2.1: "crv" P-256 and the 32-byte coordinates "x" and "y".
EvpPkeyPtr ecFromJwk(const nlohmann::json& jwk) {
  const auto crv = jwk.find("crv");
  if (crv == jwk.end() || !crv->is_string() || crv->get_ref<const std::string&>() != "P-256") return nullptr;
  const auto x = member(jwk, "x"), y = member(jwk, "y");
  if (x.size() != 32 || y.size() != 32) return nullptr;
  std::vector<uint8_t> point{0x04};
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return nullptr;
  return fromParams("EC", bld.get());
}

// RFC 7518 §6.3.1: the modulus "n" and exponent "e".
EvpPkeyPtr rsaFromJwk(const nlohmann::json& jwk) {
  const auto n = member(jwk, "n"), e = member(jwk, "e");
  if (n.empty() || e.empty() || n.size() > 2048 || e.size() > 8) return nullptr;
  BignumPtr bn(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
  BignumPtr be(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn || !be || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
    return nullptr;
  return fromParams("RSA", bld.get());
}

}  // namespace

std::string_view algorithmName(JwtAlgorithm a) noexcept {
  switch (a) {
    case JwtAlgorithm::kHs256:
      return "HS256";
    case JwtAlgorithm::kEs256:
      return "ES256";
    case JwtAlgorithm::kRs256:
      return "RS256";
  }
  return "?";
}

std::optional<JwtAlgorithm> algorithmFromName(std::string_view name) noexcept {
  for (JwtAlgorithm a : {JwtAlgorithm::kHs256, JwtAlgorithm::kEs256, JwtAlgorithm::kRs256})
    if (algorithmName(a) == name) return a;
  return std::nullopt;
}

Result<JwtKey> hmacKey(std::string_view secret) {
  if (secret.size() < kMinHmacSecretBytes) return Error::malformed("an HS256 secret needs at least 32 bytes");
  JwtKey k;
  k.algorithm = JwtAlgorithm::kHs256;
  k.secret.assign(secret.begin(), secret.end());
  return k;
}

Result<JwtKey> publicKeyFromPem(std::string_view pem) {
  if (auto bio = memoryBio(pem)) {
    if (EvpPkeyPtr key{PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)})
      return keyOf(std::move(key), false);
  }
  if (auto bio = memoryBio(pem)) {
    if (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
      if (EvpPkeyPtr key{X509_get_pubkey(cert.get())}) return keyOf(std::move(key), false);
    }
  }
  return Error::malformed("not a PEM public key or certificate");
}

Result<JwtKey> privateKeyFromPem(std::string_view pem) {
  auto bio = memoryBio(pem);
  if (!bio) return Error{Error::Code::kInternal, "BIO_new_mem_buf failed"};
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Error::malformed("not a PEM private key (or it is encrypted)");
  return keyOf(std::move(key), true);
}

Result<std::vector<JwtKey>> keysFromJwks(std::string_view text) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error::malformed("JWKS is not a JSON object");
  const auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) return Error::malformed("JWKS has no \"keys\" array");
  std::vector<JwtKey> out;
  for (const auto& jwk : *keys) {
    if (!jwk.is_object()) continue;
    const auto kty = jwk.find("kty");
    if (kty == jwk.end() || !kty->is_string()) continue;
    if (const auto use = jwk.find("use"); use != jwk.end() && (!use->is_string() || *use != "sig")) continue;
    EvpPkeyPtr key;
    if (*kty == "EC")
      key = ecFromJwk(jwk);
    else if (*kty == "RSA")
      key = rsaFromJwk(jwk);
    if (!key) continue;
    auto k = keyOf(std::move(key), false);
    if (!k.ok()) continue;
    // A key that names its algorithm is used for that one only.
    if (const auto alg = jwk.find("alg"); alg != jwk.end()) {
      if (!alg->is_string() || algorithmFromName(alg->get_ref<const std::string&>()) != k->algorithm)
        continue;
    }
    if (const auto kid = jwk.find("kid"); kid != jwk.end() && kid->is_string())
      k->kid = kid->get<std::string>();
    out.push_back(std::move(*k));
  }
  if (out.empty()) return Error::malformed("JWKS holds no usable EC P-256 or RSA signature key");
  return out;
}

}  // namespace rtcgate::crypto::jwt
