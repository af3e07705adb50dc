#pragma once
// Source Description (SDES, PT=202, RFC 3550 §6.5).

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "wire/rtcp/rtcp_header.h"

namespace rtcgate::wire::rtcp {

// SDES item types (RFC 3550 §6.5.1–§6.5.8).
enum class SdesType : uint8_t { kEnd = 0, kCname = 1, kName, kEmail, kPhone, kLoc, kTool, kNote, kPriv };

// One item: its type and up to 255 bytes of text, borrowed from the packet or the caller.
struct SdesItem {
  uint8_t type = 0;
  std::span<const uint8_t> value;
  std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(value.data()), value.size()};
  }
};

// The items describing one SSRC/CSRC.
struct SdesChunk {
  static constexpr size_t kMaxItems = 8;  // one per defined type; extras are validated, not kept
  uint32_t ssrc = 0;
  std::array<SdesItem, kMaxItems> items{};
  uint8_t itemCount = 0;

  bool addItem(SdesType type, std::string_view text) noexcept;
  std::string_view cname() const noexcept;  // empty when absent
  size_t size() const noexcept;             // SSRC + items + terminating null, padded to 32 bits
};

// A whole SDES packet: up to 31 chunks (the 5-bit SC field).
struct Sdes {
  static constexpr size_t kMaxChunks = 31;
  std::array<SdesChunk, kMaxChunks> chunks{};
  uint8_t count = 0;

  // Convenience for the common case: one chunk with only a CNAME (RFC 3550 §6.5.1).
  bool addCname(uint32_t ssrc, std::string_view cname) noexcept;
  SdesChunk* addChunk(uint32_t ssrc) noexcept;

  // RFC 3550 §6.5: chunks of SSRC + items, each list ended by a null octet and padded.
  static Result<Sdes> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept;
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

}  // namespace rtcgate::wire::rtcp
