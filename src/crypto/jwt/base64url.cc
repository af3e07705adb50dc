#include "crypto/jwt/base64url.h"

#include <algorithm>

namespace rtcgate::crypto::jwt {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string toBase64Url(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = uint32_t{bytes[i]} << 16;
    if (n > 1) group |= uint32_t{bytes[i + 1]} << 8;
    if (n > 2) group |= bytes[i + 2];
    for (size_t k = 0; k <= n; ++k) out.push_back(kAlphabet[(group >> (18 - 6 * k)) & 0x3f]);
  }
  return out;
}

Result<std::vector<uint8_t>> fromBase64Url(std::string_view text) {
  if (text.size() % 4 == 1) return Error::malformed("base64url: bad length");
  std::vector<uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = sextet(c);
    if (v < 0) return Error::malformed("base64url: bad character");
    acc = ((acc << 6) | static_cast<uint32_t>(v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return Error::malformed("base64url: non-zero padding bits");
  return out;
}

}  // namespace rtcgate::crypto::jwt
