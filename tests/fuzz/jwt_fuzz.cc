// Fuzzes what a client or an operator's file hands the JWT code: the bytes as a token (the
// verifier: split, base64url, header JSON, key choice, signature), as a JWKS document, and
// as a claims payload (reached directly, since a fuzzer cannot forge a signature).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "crypto/jwt/jwt_claims.h"
#include "crypto/jwt/jwt_key.h"
#include "crypto/jwt/jwt_verifier.h"

namespace {

using namespace rtcgate::crypto::jwt;

// A P-256 public key and an HS256 secret, so every algorithm has a key to pick.
constexpr std::string_view kEcPublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEel5yfG/50arg+CG3DsEHimRrUyuh\n"
    "D9npP3da5CNUv5C/exil8C1SKyHLctXXkL4DX975nmEBzKZbd0TtRHpg0A==\n"
    "-----END PUBLIC KEY-----\n";

const JwtVerifier& verifier() {
  static const JwtVerifier v = [] {
    std::vector<JwtKey> keys;
    keys.push_back(*hmacKey("fuzzing-secret-fuzzing-secret-fuzzing"));
    if (auto ec = publicKeyFromPem(kEcPublicPem); ec.ok()) keys.push_back(std::move(*ec));
    JwtVerifyOptions o;
    o.audience = "rtcgate";
    return JwtVerifier(std::move(keys), o);
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)verifier().verify(text, 1'800'000'000);
  (void)keysFromJwks(text);
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_discarded()) {
    if (auto c = claimsFromJson(json); c.ok()) (void)namePatternMatches(c->stream, "cam1");
  }
  return 0;
}
