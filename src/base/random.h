#pragma once
// Cryptographically strong random bytes and ICE-style strings (OpenSSL-free: getrandom).

#include <cstdint>
#include <span>
#include <string>

namespace rtcgate {

void randomBytes(std::span<uint8_t> out) noexcept;
uint32_t randomU32() noexcept;
uint64_t randomU64() noexcept;
// `n` characters from the ICE ufrag/pwd alphabet (RFC 8839 ice-char: ALPHA / DIGIT / + /).
std::string randomIceString(size_t n);

}  // namespace rtcgate
