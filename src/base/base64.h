#pragma once
// Base64 (RFC 4648 §4) for signaling values such as H.264 sprop-parameter-sets, and
// base64url (§5, as RFC 7515 uses it for every JWS part); not for the data plane.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rtcgate {

// Standard alphabet with '=' padding.
std::string toBase64(std::span<const uint8_t> bytes);
// Accepts the standard alphabet, with or without '=' padding; kMalformed on any other
// character, on data after padding, or on a length no encoder produces.
Result<std::vector<uint8_t>> fromBase64(std::string_view text);

// URL alphabet without padding.
std::string toBase64Url(std::span<const uint8_t> bytes);
inline std::string toBase64Url(std::string_view text) {
  return toBase64Url(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}
// Strict: only [A-Za-z0-9_-], no '=' padding, no length an encoder cannot produce, and the
// unused low bits of the last character zero (one encoding per value).
Result<std::vector<uint8_t>> fromBase64Url(std::string_view text);

}  // namespace rtcgate
