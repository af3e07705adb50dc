#pragma once
// AccessPolicy: the one answer to "may this token do X on Y", for WHIP, WHEP, RTMP, rooms,
// the admin API and pushes. It holds the static per-prefix tokens and, when configured,
// a JWT verifier (docs/AUTH.md).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "crypto/jwt/jwt_claims.h"
#include "crypto/jwt/jwt_verifier.h"

namespace rtcgate::cluster {

enum class AccessVerdict : uint8_t {
  kAllowed,
  kUnauthenticated,  // no token, or one that is not valid (HTTP 401)
  kForbidden,        // a valid token that does not allow this (HTTP 403)
};

struct AccessDecision {
  AccessVerdict verdict = AccessVerdict::kAllowed;
  std::string reason;    // why it was refused, for the answer and the log
  std::string identity;  // the JWT's "sub" (empty for a static token or an open resource)
  // What the bearer may do with the resource: a JWT's grants, or publish, subscribe and
  // publish_data for a static token or an open stream/room.
  crypto::jwt::GrantSet grants;
  bool allowed() const noexcept { return verdict == AccessVerdict::kAllowed; }
};

class AccessPolicy {
 public:
  // Unix seconds now (tests pass their own).
  using WallClock = std::function<int64_t()>;

  // Everything open (no tokens at all).
  AccessPolicy();
  // `tokens`: static tokens by stream-name prefix ("room/R" for room R); `jwt` null: no JWT
  // auth, so what no static token covers is open and the admin API is too.
  AccessPolicy(std::map<std::string, std::string> tokens, std::shared_ptr<const crypto::jwt::JwtVerifier> jwt,
               WallClock clock = {});

  // JWT auth is on: every stream, room and the admin API need a token.
  bool jwtEnabled() const noexcept { return jwt_ != nullptr; }

  // Publishing (`action` kPublish) or playing (kSubscribe) `stream` over WHIP, WHEP or RTMP.
  AccessDecision stream(crypto::jwt::Grant action, std::string_view stream, std::string_view token) const;
  // Joining room `room` as participant `participant`; the grants say what it may do there.
  AccessDecision room(std::string_view room, std::string_view participant, std::string_view token) const;
  // The admin API (and /metrics): the admin grant.
  AccessDecision admin(std::string_view token) const;
  // Pushes of `stream` (POST/GET/DELETE on its egress API): the egress grant naming the
  // stream, or the admin grant.
  AccessDecision egress(std::string_view stream, std::string_view token) const;

 private:
  // The verified claims, or the 401 decision.
  std::variant<crypto::jwt::JwtClaims, AccessDecision> verify(std::string_view token) const;

  std::map<std::string, std::string> tokens_;
  std::shared_ptr<const crypto::jwt::JwtVerifier> jwt_;
  WallClock clock_;
};

}  // namespace rtcgate::cluster
