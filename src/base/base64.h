#pragma once
// Base64 (RFC 4648 §4) for signaling values such as H.264 sprop-parameter-sets (not for the
// data plane).

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

}  // namespace rtcgate
