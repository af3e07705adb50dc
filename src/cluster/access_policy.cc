#include "cluster/access_policy.h"

#include "base/clock.h"
#include "base/constant_time.h"
#include "cluster/stream_access.h"

namespace rtcgate::cluster {

using crypto::jwt::Grant;
using crypto::jwt::GrantSet;
using crypto::jwt::JwtClaims;
using crypto::jwt::namePatternMatches;

namespace {

const GrantSet kStaticGrants{Grant::kPublish, Grant::kSubscribe, Grant::kPublishData};

AccessDecision allowed(GrantSet grants, std::string identity = {}) {
  return {AccessVerdict::kAllowed, {}, std::move(identity), grants};
}
AccessDecision unauthenticated(std::string reason) {
  return {AccessVerdict::kUnauthenticated, std::move(reason), {}, {}};
}
AccessDecision forbidden(std::string reason) {
  return {AccessVerdict::kForbidden, std::move(reason), {}, {}};
}

std::string lacks(Grant g) {
  return "token lacks the " + std::string(crypto::jwt::grantName(g)) + " grant";
}

}  // namespace

AccessPolicy::AccessPolicy() : AccessPolicy({}, nullptr) {}

AccessPolicy::AccessPolicy(std::map<std::string, std::string> tokens,
                           std::shared_ptr<const crypto::jwt::JwtVerifier> jwt, WallClock clock)
    : tokens_(std::move(tokens)), jwt_(std::move(jwt)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return unixTimeMs() / 1000; };
}

std::variant<JwtClaims, AccessDecision> AccessPolicy::verify(std::string_view token) const {
  if (token.empty()) return unauthenticated("a token is required");
  auto claims = jwt_->verify(token, clock_());
  if (!claims.ok()) return unauthenticated(std::string("invalid token: ") + claims.error().message);
  return std::move(*claims);
}

AccessDecision AccessPolicy::stream(Grant action, std::string_view stream, std::string_view token) const {
  const std::string* required = requiredToken(tokens_, stream);
  // A static token still opens its prefix, with or without JWT auth.
  if (required && !token.empty() && constantTimeEquals(token, *required)) return allowed(kStaticGrants);
  if (!jwt_) {
    if (!required) return allowed(kStaticGrants);
    if (token.empty()) return unauthenticated("this stream needs a token");
    return forbidden("token not valid for this stream");
  }
  auto verified = verify(token);
  if (auto* refused = std::get_if<AccessDecision>(&verified)) return std::move(*refused);
  const JwtClaims& c = std::get<JwtClaims>(verified);
  if (!c.grants.has(action)) return forbidden(lacks(action));
  if (!namePatternMatches(c.stream, stream))
    return forbidden("token is not for stream '" + std::string(stream) + "'");
  return allowed(c.grants, c.subject);
}

AccessDecision AccessPolicy::room(std::string_view room, std::string_view participant,
                                  std::string_view token) const {
  const std::string key = "room/" + std::string(room);
  const std::string* required = requiredToken(tokens_, key);
  if (required && !token.empty() && constantTimeEquals(token, *required)) return allowed(kStaticGrants);
  if (!jwt_) {
    if (!required) return allowed(kStaticGrants);
    if (token.empty()) return unauthenticated("this room needs a token");
    return forbidden("token not valid for this room");
  }
  auto verified = verify(token);
  if (auto* refused = std::get_if<AccessDecision>(&verified)) return std::move(*refused);
  const JwtClaims& c = std::get<JwtClaims>(verified);
  if (!namePatternMatches(c.room, room))
    return forbidden("token is not for room '" + std::string(room) + "'");
  if (!c.subject.empty() && c.subject != participant)
    return forbidden("token is for participant '" + c.subject + "', not '" + std::string(participant) + "'");
  if (!c.grants.has(Grant::kPublish) && !c.grants.has(Grant::kSubscribe) &&
      !c.grants.has(Grant::kPublishData))
    return forbidden("token grants neither publish, subscribe nor publish_data");
  return allowed(c.grants, c.subject);
}

AccessDecision AccessPolicy::admin(std::string_view token) const {
  if (!jwt_) return allowed(GrantSet{Grant::kAdmin});
  auto verified = verify(token);
  if (auto* refused = std::get_if<AccessDecision>(&verified)) return std::move(*refused);
  const JwtClaims& c = std::get<JwtClaims>(verified);
  if (!c.grants.has(Grant::kAdmin)) return forbidden(lacks(Grant::kAdmin));
  return allowed(c.grants, c.subject);
}

AccessDecision AccessPolicy::egress(std::string_view stream, std::string_view token) const {
  if (!jwt_) return allowed(GrantSet{Grant::kAdmin, Grant::kEgress});
  auto verified = verify(token);
  if (auto* refused = std::get_if<AccessDecision>(&verified)) return std::move(*refused);
  const JwtClaims& c = std::get<JwtClaims>(verified);
  if (c.grants.has(Grant::kAdmin)) return allowed(c.grants, c.subject);
  if (!c.grants.has(Grant::kEgress)) return forbidden("token lacks the egress (or admin) grant");
  if (!namePatternMatches(c.stream, stream))
    return forbidden("token is not for stream '" + std::string(stream) + "'");
  return allowed(c.grants, c.subject);
}

}  // namespace rtcgate::cluster
