#include "crypto/jwt/jwt_verifier.h"

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "crypto/jwt/jwt_signature.h"

namespace rtcgate::crypto::jwt {
namespace {

// The JSON object a base64url part decodes to.
Result<nlohmann::json> jsonPart(std::string_view part, const char* notBase64, const char* notObject) {
  auto bytes = fromBase64Url(part);
  if (!bytes.ok()) return Error::malformed(notBase64);
  auto json = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Error::malformed(notObject);
  return json;
}

struct Header {
  JwtAlgorithm algorithm;
  std::string kid;
};

// RFC 7515 §4.1: "alg" is required; "crit" names extensions we would have to understand.
Result<Header> readHeader(const nlohmann::json& h) {
  const auto alg = h.find("alg");
  if (alg == h.end() || !alg->is_string()) return Error::malformed("token header has no alg");
  const std::string& name = alg->get_ref<const std::string&>();
  if (name.size() == 4 && (name[0] | 0x20) == 'n' && (name[1] | 0x20) == 'o' && (name[2] | 0x20) == 'n' &&
      (name[3] | 0x20) == 'e')
    return Error::unsupported("alg none is never accepted");
  const auto a = algorithmFromName(name);
  if (!a) return Error::unsupported("alg must be HS256, ES256 or RS256");
  if (h.contains("crit")) return Error::unsupported("token header has crit extensions");
  Header out{*a, {}};
  if (const auto kid = h.find("kid"); kid != h.end()) {
    if (!kid->is_string()) return Error::malformed("kid is not a string");
    out.kid = kid->get<std::string>();
  }
  return out;
}

}  // namespace

JwtVerifier::JwtVerifier(std::vector<JwtKey> keys, JwtVerifyOptions options)
    : keys_(std::move(keys)), options_(std::move(options)) {}

Result<JwtClaims> JwtVerifier::verify(std::string_view token, int64_t now) const {
  if (token.empty()) return Error::malformed("empty token");
  if (token.size() > kMaxTokenBytes) return Error::malformed("token longer than 8 KiB");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return Error::malformed("token is not three base64url parts joined by '.'");
  const std::string_view signingInput = token.substr(0, dot2);
  auto headerJson =
      jsonPart(token.substr(0, dot1), "token header is not base64url", "token header is not a JSON object");
  if (!headerJson.ok()) return headerJson.error();
  auto header = readHeader(*headerJson);
  if (!header.ok()) return header.error();
  auto signature = fromBase64Url(token.substr(dot2 + 1));
  if (!signature.ok() || signature->empty()) return Error::malformed("token signature is not base64url");

  // Only keys made for the token's algorithm; with a kid, the key of that kid when known.
  bool kidKnown = false;
  for (const auto& k : keys_)
    kidKnown |= !header->kid.empty() && k.kid == header->kid && k.algorithm == header->algorithm;
  bool anyKey = false, good = false;
  for (const auto& k : keys_) {
    if (k.algorithm != header->algorithm || (kidKnown && k.kid != header->kid)) continue;
    anyKey = true;
    if (verifySignature(k, signingInput, *signature)) {
      good = true;
      break;
    }
  }
  if (!anyKey) return Error::authFailed("no key is configured for the token's alg");
  if (!good) return Error::authFailed("bad signature");

  auto payload = jsonPart(token.substr(dot1 + 1, dot2 - dot1 - 1), "token payload is not base64url",
                          "token payload is not a JSON object");
  if (!payload.ok()) return payload.error();
  auto claims = claimsFromJson(*payload);
  if (!claims.ok()) return claims.error();
  const int64_t skew = options_.clockSkewSeconds;
  if (now - skew > claims->expiresAt) return Error::state("token expired");
  if (claims->notBefore && now + skew < *claims->notBefore) return Error::state("token not valid yet (nbf)");
  if (!options_.issuer.empty() && claims->issuer != options_.issuer)
    return Error::state("token issuer (iss) is not ours");
  if (!options_.audience.empty()) {
    bool ours = false;
    for (const auto& a : claims->audience) ours |= a == options_.audience;
    if (!ours) return Error::state("token audience (aud) is not ours");
  }
  return claims;
}

Result<std::string> signToken(std::string_view claimsJson, const JwtKey& key, std::string_view kid) {
  nlohmann::json header{{"alg", algorithmName(key.algorithm)}, {"typ", "JWT"}};
  if (!kid.empty()) header["kid"] = std::string(kid);
  std::string input = toBase64Url(header.dump()) + "." + toBase64Url(claimsJson);
  auto signature = sign(key, input);
  if (!signature.ok()) return signature.error();
  return input + "." + toBase64Url(*signature);
}

}  // namespace rtcgate::crypto::jwt
