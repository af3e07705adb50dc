#include "wire/stun/classify.h"

#include "base/byte_reader.h"
#include "wire/stun/stun_types.h"

namespace rtcgate::wire::stun {

bool looksLikeStun(std::span<const uint8_t> data) noexcept {
  if (data.size() < kHeaderSize || data[0] > 3) return false;
  const size_t length = loadU16(data.data() + 2);
  return length % 4 == 0 && kHeaderSize + length == data.size() && loadU32(data.data() + 4) == kMagicCookie;
}

std::string_view recipientUfrag(std::span<const uint8_t> data) noexcept {
  if (!looksLikeStun(data) || classOf(loadU16(data.data())) != StunClass::kRequest) return {};
  size_t pos = kHeaderSize;
  while (data.size() - pos >= 4) {
    const uint16_t type = loadU16(data.data() + pos);
    const size_t len = loadU16(data.data() + pos + 2);
    if (data.size() - pos - 4 < len) return {};
    if (type == static_cast<uint16_t>(AttributeType::kUsername)) {
      const std::string_view u(reinterpret_cast<const char*>(data.data() + pos + 4), len);
      const size_t colon = u.find(':');
      return colon == std::string_view::npos ? std::string_view{} : u.substr(0, colon);
    }
    pos += 4 + ((len + 3) & ~size_t{3});
    if (pos > data.size()) return {};
  }
  return {};
}

}  // namespace rtcgate::wire::stun
