#pragma once
// Secret comparison whose running time does not tell how much of a guess was right.

#include <cstddef>
#include <string_view>

namespace rtcgate {

// True when `candidate` equals `secret`. The time taken depends on the secret's length
// only, never on where the first difference is (a token compared with == leaks its prefix
// to a client that times the answers).
inline bool constantTimeEquals(std::string_view candidate, std::string_view secret) noexcept {
  volatile unsigned char diff = candidate.size() == secret.size() ? 0 : 1;
  for (size_t i = 0; i < secret.size(); ++i) {
    const unsigned char c = i < candidate.size() ? static_cast<unsigned char>(candidate[i]) : 0;
    diff = static_cast<unsigned char>(diff | (c ^ static_cast<unsigned char>(secret[i])));
  }
  return diff == 0;
}

}  // namespace rtcgate
