#pragma once
// Simulcast qualities a player can ask for: the lowest, a middle and the highest layer of
// what the publisher sends (however many layers that is).

#include <cstdint>
#include <optional>
#include <string_view>

namespace rtcgate::sfu {

enum class Quality : uint8_t { kLow, kMedium, kHigh };

// "l", "m", "h" (what WHEP's ?layer= and PATCH {"layer"} take); nullopt for anything else.
constexpr std::optional<Quality> qualityFromName(std::string_view name) noexcept {
  if (name == "l") return Quality::kLow;
  if (name == "m") return Quality::kMedium;
  if (name == "h") return Quality::kHigh;
  return std::nullopt;
}

constexpr std::string_view qualityName(Quality q) noexcept {
  switch (q) {
    case Quality::kLow: return "l";
    case Quality::kMedium: return "m";
    case Quality::kHigh: return "h";
  }
  return "h";
}

}  // namespace rtcgate::sfu
