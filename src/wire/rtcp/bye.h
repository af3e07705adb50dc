#pragma once
// Goodbye (BYE, PT=203, RFC 3550 §6.6).

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "wire/rtcp/rtcp_header.h"

namespace rtcgate::wire::rtcp {

// Sources leaving the session, with an optional reason.
struct Bye {
  static constexpr size_t kMaxSsrcs = 31;
  std::array<uint32_t, kMaxSsrcs> ssrcs{};
  uint8_t count = 0;
  std::span<const uint8_t> reason;  // up to 255 bytes, borrowed

  bool addSsrc(uint32_t ssrc) noexcept;
  std::string_view reasonText() const noexcept {
    return {reinterpret_cast<const char*>(reason.data()), reason.size()};
  }

  static Result<Bye> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept;
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

}  // namespace rtcgate::wire::rtcp
