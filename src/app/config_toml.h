#pragma once
// Reading one typed value of the TOML config file: shared by the parts of the config loader.

#include <stdexcept>
#include <string>
#include <string_view>
#include <toml++/toml.h>

namespace rtcgate::app {

// Sets `out` from `key` of `t` when present; throws std::runtime_error on a wrong type.
template <typename T>
void take(const toml::table& t, std::string_view key, T& out) {
  if (const auto* node = t.get(key)) {
    auto v = node->value<T>();
    if (!v) throw std::runtime_error("config: '" + std::string(key) + "' has the wrong type");
    out = *v;
  }
}

}  // namespace rtcgate::app
