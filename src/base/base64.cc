#include "base/base64.h"

#include <algorithm>

namespace rtcgate {
namespace {

// The two alphabets of RFC 4648 differ only in their last two characters.
struct Alphabet {
  const char* chars;
  char c62;
  char c63;
};
constexpr Alphabet kStandard{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", '+', '/'};
constexpr Alphabet kUrl{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", '-', '_'};

int sextet(char c, const Alphabet& a) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == a.c62) return 62;
  if (c == a.c63) return 63;
  return -1;
}

std::string encode(std::span<const uint8_t> bytes, const Alphabet& a, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = uint32_t{bytes[i]} << 16;
    if (n > 1) group |= uint32_t{bytes[i + 1]} << 8;
    if (n > 2) group |= bytes[i + 2];
    for (size_t k = 0; k <= n; ++k) out.push_back(a.chars[(group >> (18 - 6 * k)) & 0x3f]);
    if (pad)
      for (size_t k = n + 1; k < 4; ++k) out.push_back('=');
  }
  return out;
}

// `text` without padding. Strict: the unused low bits of the last character must be zero.
Result<std::vector<uint8_t>> decode(std::string_view text, const Alphabet& a, bool strict) {
  // RFC 4648 §4: a final quantum of one sextet cannot encode a whole byte.
  if (text.size() % 4 == 1) return Error::malformed("base64: bad length");
  std::vector<uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = sextet(c, a);
    if (v < 0) return Error::malformed("base64: bad character");
    acc = ((acc << 6) | static_cast<uint32_t>(v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if (strict && bits > 0 && (acc & ((1u << bits) - 1)) != 0) return Error::malformed("base64: non-zero padding bits");
  return out;
}

}  // namespace

std::string toBase64(std::span<const uint8_t> bytes) { return encode(bytes, kStandard, true); }

Result<std::vector<uint8_t>> fromBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return decode(text, kStandard, false);
}

std::string toBase64Url(std::span<const uint8_t> bytes) { return encode(bytes, kUrl, false); }

Result<std::vector<uint8_t>> fromBase64Url(std::string_view text) { return decode(text, kUrl, true); }

}  // namespace rtcgate
