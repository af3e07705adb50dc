#include "base/hex.h"

namespace rtcgate {

std::string toHex(std::span<const uint8_t> bytes, char separator, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i && separator) out.push_back(separator);
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0xf]);
  }
  return out;
}

std::vector<uint8_t> fromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  int nibble = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ':') continue;
    else return {};
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<uint8_t>((nibble << 4) | v));
      nibble = -1;
    }
  }
  if (nibble >= 0) return {};
  return out;
}

}  // namespace rtcgate
