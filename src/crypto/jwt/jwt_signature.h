#pragma once
// JWS signatures (RFC 7515 §5, RFC 7518 §3): HMAC-SHA256, ECDSA P-256 SHA-256 with the raw
// r||s form JWS uses, RSASSA-PKCS1-v1_5 SHA-256, on OpenSSL EVP.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/jwt/jwt_key.h"

namespace rtcgate::crypto::jwt {

// ES256 signatures are r||s, 32 bytes each (RFC 7518 §3.4).
inline constexpr size_t kEs256SignatureBytes = 64;

// True when `signature` is `key`'s signature of `input` with the key's own algorithm.
bool verifySignature(const JwtKey& key, std::string_view input, std::span<const uint8_t> signature) noexcept;
// `key`'s signature of `input` (a private key for ES256/RS256).
Result<std::vector<uint8_t>> sign(const JwtKey& key, std::string_view input);

// ECDSA-Sig-Value (DER) ⇄ raw r||s of P-256.
Result<std::vector<uint8_t>> ecdsaRawToDer(std::span<const uint8_t> raw);
Result<std::vector<uint8_t>> ecdsaDerToRaw(std::span<const uint8_t> der);

}  // namespace rtcgate::crypto::jwt
