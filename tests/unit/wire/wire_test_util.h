#pragma once
// Shared helpers for wire codec tests: hex vectors and truncation sweeps.

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/hex.h"

namespace rtcgate::test {

inline std::vector<uint8_t> hexBytes(std::string_view hex) {
  auto v = fromHex(hex);
  EXPECT_FALSE(v.empty()) << "bad hex vector";
  return v;
}

// Every strict prefix of `bytes` must be rejected by `parse` (which returns a Result).
// The prefix is copied into its own buffer so ASan catches any read past its end.
template <typename Parse>
void expectEveryTruncationRejected(std::span<const uint8_t> bytes, Parse parse) {
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    EXPECT_FALSE(parse(std::span<const uint8_t>(prefix)).ok()) << "accepted a prefix of " << len << " bytes";
  }
}

}  // namespace rtcgate::test
