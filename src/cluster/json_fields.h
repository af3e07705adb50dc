#pragma once
// Reading the fields of JSON that other nodes wrote (untrusted): a field is taken only when
// it has the expected type.

#include <cstdint>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace rtcgate::cluster {

// The field `key` of `o` into `out` when present and of T's type (true), left as it is when
// absent (true), false when present with another type (integers: negative ones too).
template <typename T>
bool readField(const nlohmann::json& o, const char* key, T& out) {
  const auto it = o.find(key);
  if (it == o.end()) return true;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return false;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return false;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!it->is_number()) return false;
  } else {
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->template get<int64_t>() >= 0)) return false;
  }
  out = it->template get<T>();
  return true;
}

}  // namespace rtcgate::cluster
