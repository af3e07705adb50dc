#pragma once
// JwtVerifier: checks a compact JWS token (RFC 7515 §7.1, RFC 7519) against the configured
// keys and returns its claims. Pure: the token and the time come in, claims or a reason go
// out (no I/O, no clock, no logging), so it is unit-tested and fuzzed alone.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/jwt/jwt_claims.h"
#include "crypto/jwt/jwt_key.h"

namespace rtcgate::crypto::jwt {

// Longest token accepted (a header, a bearer value or a query parameter carries it).
inline constexpr size_t kMaxTokenBytes = 8192;

struct JwtVerifyOptions {
  // Allowed difference between our clock and the issuer's for exp and nbf.
  int64_t clockSkewSeconds = 30;
  std::string audience;  // non-empty: "aud" must hold it
  std::string issuer;    // non-empty: "iss" must be it
};

class JwtVerifier {
 public:
  // `keys` may mix an HS256 secret, public keys and JWKS keys; each serves only its own
  // algorithm, so a token cannot pick how its signature is checked (no "none", no HS256
  // over a public key's bytes).
  JwtVerifier(std::vector<JwtKey> keys, JwtVerifyOptions options);

  // The claims of `token` when its signature, times and claims are good at `nowSeconds`
  // (Unix time); otherwise an error whose message says why (kMalformed for a token that is
  // no JWT, kUnsupported for a refused alg, kAuthFailed for a bad signature or an unknown
  // key, kState for one expired or not yet valid, or for the wrong audience/issuer).
  Result<JwtClaims> verify(std::string_view token, int64_t nowSeconds) const;

  const JwtVerifyOptions& options() const noexcept { return options_; }

 private:
  std::vector<JwtKey> keys_;
  JwtVerifyOptions options_;
};

// Signs `claimsJson` (a JSON object's text) with `key` into a compact JWS, with "kid" in the
// header when `kid` is not empty (for the `rtcgate token` command and tests).
Result<std::string> signToken(std::string_view claimsJson, const JwtKey& key, std::string_view kid = {});

}  // namespace rtcgate::crypto::jwt
