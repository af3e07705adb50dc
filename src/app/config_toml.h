#pragma once
// Reading one typed value of the TOML config file: shared by the parts of the config loader.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <type_traits>
#include <utility>

namespace rtcgate::app {

// Sets `out` from `key` of `t` when present; throws std::runtime_error on a wrong type. An
// integer setting takes only a TOML integer that fits (1e63 is neither: toml++ would convert
// a float without a range check).
template <typename T>
void take(const toml::table& t, std::string_view key, T& out) {
  const auto* node = t.get(key);
  if (node == nullptr) return;
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    const auto* integer = node->as_integer();
    if (integer == nullptr) throw std::runtime_error("config: '" + std::string(key) + "' must be an integer");
    const int64_t v = integer->get();
    if (!std::in_range<T>(v)) throw std::runtime_error("config: '" + std::string(key) + "' is out of range");
    out = static_cast<T>(v);
  } else {
    auto v = node->value<T>();
    if (!v) throw std::runtime_error("config: '" + std::string(key) + "' has the wrong type");
    out = *v;
  }
}

}  // namespace rtcgate::app
