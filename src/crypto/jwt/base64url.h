#pragma once
// Base64url without padding (RFC 4648 §5, as RFC 7515 §2 uses it for every JWS part).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rtcgate::crypto::jwt {

std::string toBase64Url(std::span<const uint8_t> bytes);
inline std::string toBase64Url(std::string_view text) {
  return toBase64Url(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}
// Strict: only [A-Za-z0-9_-], no '=' padding, no length an encoder cannot produce, and the
// unused low bits of the last character zero (one encoding per value).
Result<std::vector<uint8_t>> fromBase64Url(std::string_view text);

}  // namespace rtcgate::crypto::jwt
