#pragma once
// JwtClaims: what a verified rtcgate token says (docs/AUTH.md) — who (sub), until when
// (exp, nbf, iat), which room or stream (an exact name or "prefix*"), and the grants.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/result.h"

namespace rtcgate::crypto::jwt {

// What a token allows its bearer to do.
enum class Grant : uint8_t { kPublish, kSubscribe, kPublishData, kAdmin, kRecord, kMix, kEgress };
inline constexpr size_t kGrantCount = 7;
// "publish", "subscribe", "publish_data", "admin", "record", "mix", "egress".
std::string_view grantName(Grant g) noexcept;
std::optional<Grant> grantFromName(std::string_view name) noexcept;

// A set of grants (a bit per Grant).
class GrantSet {
 public:
  constexpr GrantSet() = default;
  constexpr GrantSet(std::initializer_list<Grant> grants) {
    for (Grant g : grants) add(g);
  }
  constexpr void add(Grant g) noexcept { bits_ |= bit(g); }
  constexpr bool has(Grant g) const noexcept { return (bits_ & bit(g)) != 0; }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr bool operator==(const GrantSet&) const = default;
  // "publish,subscribe" (in Grant order).
  std::string toString() const;

 private:
  static constexpr uint32_t bit(Grant g) noexcept { return 1u << static_cast<unsigned>(g); }
  uint32_t bits_ = 0;
};

// "publish,subscribe" → the set; kMalformed naming no grant on an unknown name.
Result<GrantSet> parseGrantList(std::string_view commaSeparated);

// The registered claims rtcgate reads (RFC 7519 §4.1) and its own: room, stream, grants.
struct JwtClaims {
  std::string subject;  // sub: the participant's identity; empty when absent
  int64_t expiresAt = 0;  // exp (required), Unix seconds
  std::optional<int64_t> notBefore;  // nbf
  std::optional<int64_t> issuedAt;   // iat
  std::string issuer;                // iss
  std::vector<std::string> audience;  // aud (a string or an array of strings)
  std::string room;    // a room name, or "prefix*"; empty: no room
  std::string stream;  // a stream name, or "prefix*" ("*" = every stream); empty: no stream
  GrantSet grants;
};

// Longest room/stream pattern a token may carry.
inline constexpr size_t kMaxNamePatternBytes = 160;

// The claims of a payload that parsed as JSON: every claim rtcgate reads checked for type
// (exp required; grants a list of known names; room and stream patterns with '*' only at
// the end). Other claims are ignored.
Result<JwtClaims> claimsFromJson(const nlohmann::json& payload);

// True when `name` is `pattern`, or starts with its prefix when `pattern` ends with '*'.
// An empty pattern matches nothing.
bool namePatternMatches(std::string_view pattern, std::string_view name) noexcept;

}  // namespace rtcgate::crypto::jwt
