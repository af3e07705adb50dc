#pragma once
// Hex encoding helpers for fingerprints, keys and test vectors (not for the data plane).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rtcgate {

std::string toHex(std::span<const uint8_t> bytes, char separator = '\0', bool upper = false);
// Parses hex, ignoring whitespace and ':' separators. Empty on a bad digit or odd count.
std::vector<uint8_t> fromHex(std::string_view hex);

}  // namespace rtcgate
