#pragma once
// Application-defined packet (APP, PT=204, RFC 3550 §6.7).

#include <array>
#include <cstdint>
#include <span>

#include "wire/rtcp/rtcp_header.h"

namespace rtcgate::wire::rtcp {

// An application-specific message named by four ASCII characters.
struct App {
  uint8_t subtype = 0;  // 5 bits
  uint32_t ssrc = 0;
  std::array<uint8_t, 4> name{};
  std::span<const uint8_t> data;  // a multiple of 4 bytes, borrowed

  static Result<App> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept { return kHeaderSize + 8 + data.size(); }
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

}  // namespace rtcgate::wire::rtcp
