#include "wire/stun/crc32.h"

#include <array>

namespace rtcgate::wire::stun {
namespace {

// One entry per byte value, built at compile time so the hot path is a table lookup per byte.
constexpr std::array<uint32_t, 256> makeTable() noexcept {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) ? (0xEDB88320U ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = makeTable();

}  // namespace

uint32_t crc32(std::span<const uint8_t> data, uint32_t crc) noexcept {
  uint32_t c = ~crc;
  for (const uint8_t b : data) c = kTable[(c ^ b) & 0xFFU] ^ (c >> 8);
  return ~c;
}

}  // namespace rtcgate::wire::stun
