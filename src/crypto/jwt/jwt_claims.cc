#include "crypto/jwt/jwt_claims.h"

#include <array>
#include <cmath>
#include <nlohmann/json.hpp>

namespace rtcgate::crypto::jwt {
namespace {

constexpr std::array<std::string_view, kGrantCount> kGrantNames = {
    "publish", "subscribe", "publish_data", "admin", "record", "mix", "egress"};

// A NumericDate (RFC 7519 §2): seconds since the epoch, possibly with a fraction.
Result<std::optional<int64_t>> numericDate(const nlohmann::json& payload, const char* key,
                                           const char* error) {
  const auto it = payload.find(key);
  if (it == payload.end()) return std::optional<int64_t>{};
  if (it->is_number_integer()) return std::optional<int64_t>{it->get<int64_t>()};
  if (it->is_number_unsigned()) {
    const uint64_t v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(INT64_MAX)) return Error::malformed(error);
    return std::optional<int64_t>{static_cast<int64_t>(v)};
  }
  if (it->is_number_float()) {
    const double v = it->get<double>();
    if (!std::isfinite(v) || v > 9.0e18 || v < -9.0e18) return Error::malformed(error);
    return std::optional<int64_t>{static_cast<int64_t>(std::floor(v))};
  }
  return Error::malformed(error);
}

Result<std::string> optionalString(const nlohmann::json& payload, const char* key, const char* error) {
  const auto it = payload.find(key);
  if (it == payload.end()) return std::string{};
  if (!it->is_string()) return Error::malformed(error);
  return it->get<std::string>();
}

// A room or stream claim: printable ASCII without spaces, '*' only as the last character.
bool validNamePattern(std::string_view p) noexcept {
  if (p.empty() || p.size() > kMaxNamePatternBytes) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (c <= 0x20 || c >= 0x7f) return false;
    if (c == '*' && i + 1 != p.size()) return false;
  }
  return true;
}

}  // namespace

std::string_view grantName(Grant g) noexcept {
  return kGrantNames[static_cast<size_t>(g)];
}

std::optional<Grant> grantFromName(std::string_view name) noexcept {
  for (size_t i = 0; i < kGrantNames.size(); ++i)
    if (kGrantNames[i] == name) return static_cast<Grant>(i);
  return std::nullopt;
}

std::string GrantSet::toString() const {
  std::string out;
  for (size_t i = 0; i < kGrantCount; ++i) {
    if (!has(static_cast<Grant>(i))) continue;
    if (!out.empty()) out += ',';
    out += kGrantNames[i];
  }
  return out;
}

Result<GrantSet> parseGrantList(std::string_view list) {
  GrantSet out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const auto g = grantFromName(name);
    if (!g)
      return Error::malformed("grants are publish, subscribe, publish_data, admin, record, mix, egress");
    out.add(*g);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

Result<JwtClaims> claimsFromJson(const nlohmann::json& payload) {
  if (!payload.is_object()) return Error::malformed("claims are not a JSON object");
  JwtClaims c;
  auto exp = numericDate(payload, "exp", "exp is not a NumericDate");
  if (!exp.ok()) return exp.error();
  if (!*exp) return Error::malformed("token has no exp");
  c.expiresAt = **exp;
  auto nbf = numericDate(payload, "nbf", "nbf is not a NumericDate");
  if (!nbf.ok()) return nbf.error();
  c.notBefore = *nbf;
  auto iat = numericDate(payload, "iat", "iat is not a NumericDate");
  if (!iat.ok()) return iat.error();
  c.issuedAt = *iat;

  auto sub = optionalString(payload, "sub", "sub is not a string");
  if (!sub.ok()) return sub.error();
  c.subject = std::move(*sub);
  auto iss = optionalString(payload, "iss", "iss is not a string");
  if (!iss.ok()) return iss.error();
  c.issuer = std::move(*iss);
  if (const auto aud = payload.find("aud"); aud != payload.end()) {
    if (aud->is_string()) {
      c.audience.push_back(aud->get<std::string>());
    } else if (aud->is_array()) {
      for (const auto& a : *aud) {
        if (!a.is_string()) return Error::malformed("aud is not a string or an array of strings");
        c.audience.push_back(a.get<std::string>());
      }
    } else {
      return Error::malformed("aud is not a string or an array of strings");
    }
  }

  auto room = optionalString(payload, "room", "room is not a string");
  if (!room.ok()) return room.error();
  if (!room->empty() && !validNamePattern(*room))
    return Error::malformed("room is not a name or a \"prefix*\"");
  c.room = std::move(*room);
  auto stream = optionalString(payload, "stream", "stream is not a string");
  if (!stream.ok()) return stream.error();
  if (!stream->empty() && !validNamePattern(*stream))
    return Error::malformed("stream is not a name or a \"prefix*\"");
  c.stream = std::move(*stream);

  const auto grants = payload.find("grants");
  if (grants == payload.end()) return Error::malformed("token has no grants");
  if (!grants->is_array()) return Error::malformed("grants is not an array of strings");
  for (const auto& g : *grants) {
    if (!g.is_string()) return Error::malformed("grants is not an array of strings");
    const auto grant = grantFromName(g.get_ref<const std::string&>());
    if (!grant) return Error::malformed("grants holds an unknown grant");
    c.grants.add(*grant);
  }
  return c;
}

bool namePatternMatches(std::string_view pattern, std::string_view name) noexcept {
  if (pattern.empty()) return false;
  if (pattern.back() == '*') {
    pattern.remove_suffix(1);
    return name.substr(0, pattern.size()) == pattern;
  }
  return pattern == name;
}

}  // namespace rtcgate::crypto::jwt
