#pragma once
// Generic NACK (RTPFB FMT=1, RFC 4585 §6.2.1).

#include <array>
#include <cstdint>
#include <span>

#include "wire/rtcp/feedback.h"

namespace rtcgate::wire::rtcp {

// One FCI entry: a lost packet ID and a bitmask of the 16 following losses.
struct NackPair {
  uint16_t pid = 0;
  uint16_t blp = 0;  // bit i set: pid + i + 1 is lost too
  bool operator==(const NackPair&) const = default;
};

// RFC 4585 §6.2.1: packs ascending (wrap-aware) lost sequence numbers into the fewest
// pairs; returns the number of pairs written (stops when `out` is full).
size_t buildNackPairs(std::span<const uint16_t> lost, std::span<NackPair> out) noexcept;
// Expands pairs back into sequence numbers; returns how many were written to `out`.
size_t expandNackPairs(std::span<const NackPair> pairs, std::span<uint16_t> out) noexcept;

// A NACK for one media source; holds its pairs without allocation.
struct Nack {
  // More pairs than fit one 1500-byte datagram; a sender splits beyond this.
  static constexpr size_t kMaxPairs = 368;
  uint32_t senderSsrc = 0;
  uint32_t mediaSsrc = 0;
  std::array<NackPair, kMaxPairs> pairs{};
  uint16_t count = 0;

  std::span<const NackPair> items() const noexcept { return {pairs.data(), count}; }
  // Replaces the pairs with the minimal encoding of `lost`; false if they did not all fit.
  bool setLost(std::span<const uint16_t> lost) noexcept;

  static Result<Nack> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept { return kHeaderSize + kFeedbackCommonSize + 4u * count; }
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

}  // namespace rtcgate::wire::rtcp
