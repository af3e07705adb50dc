#pragma once
// JwtKey: one key a token may be signed or verified with — an HS256 secret, or an EC P-256
// (ES256) or RSA (RS256) key — loaded from text (a secret, PEM, or a JWKS document). No
// file I/O here: the caller reads the files.

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rtcgate::crypto::jwt {

// The JWS algorithms rtcgate accepts (RFC 7518 §3.1); never "none".
enum class JwtAlgorithm : uint8_t { kHs256, kEs256, kRs256 };
std::string_view algorithmName(JwtAlgorithm a) noexcept;
std::optional<JwtAlgorithm> algorithmFromName(std::string_view name) noexcept;

// An HMAC secret shorter than this is refused (RFC 7518 §3.2: at least the hash's size).
inline constexpr size_t kMinHmacSecretBytes = 32;
// RSA keys below this many bits are refused.
inline constexpr int kMinRsaBits = 2048;

struct JwtKey {
  // Which algorithm the key is for: by its type, never by what a token asks for.
  JwtAlgorithm algorithm = JwtAlgorithm::kHs256;
  std::string kid;  // the JWKS "kid"; empty when the key has none
  std::vector<uint8_t> secret;  // HS256
  std::shared_ptr<EVP_PKEY> pkey;  // ES256 / RS256 (public, or private for signing)
  bool hasPrivate = false;
};

// An HS256 key from a shared secret (at least kMinHmacSecretBytes).
Result<JwtKey> hmacKey(std::string_view secret);
// A public key (PEM "PUBLIC KEY", or a certificate) for ES256 (EC P-256) or RS256 (RSA ≥ 2048).
Result<JwtKey> publicKeyFromPem(std::string_view pem);
// A private key (PEM) for signing: EC P-256 → ES256, RSA → RS256.
Result<JwtKey> privateKeyFromPem(std::string_view pem);
// The signature keys of a JWKS document (RFC 7517): "EC" P-256 and "RSA" keys whose "use"
// is absent or "sig"; other keys are skipped. kMalformed when none is usable.
Result<std::vector<JwtKey>> keysFromJwks(std::string_view json);

}  // namespace rtcgate::crypto::jwt
