#pragma once
// Small text helpers shared by the SDP parsers: tokenizing and strict number parsing.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtcgate::wire::sdp {

// Splits on runs of spaces/tabs; never yields empty tokens.
std::vector<std::string_view> splitWhitespace(std::string_view s);
// Splits on every `sep`; keeps empty pieces (callers decide whether they are errors).
std::vector<std::string_view> splitOn(std::string_view s, char sep);
std::string_view trim(std::string_view s) noexcept;
bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept;
std::string toLower(std::string_view s);

// Whole-string unsigned decimal of type T; nullopt on sign, junk, overflow or empty.
template <typename T>
std::optional<T> parseNumber(std::string_view s) noexcept {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace rtcgate::wire::sdp
