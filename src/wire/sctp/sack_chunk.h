#pragma once
// SACK (RFC 9260 §3.3.4): the cumulative TSN acknowledged, the receiver's window, the gap
// ack blocks past it and duplicate TSNs.

#include <array>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "wire/sctp/packet.h"

namespace rtcgate::wire::sctp {

struct GapBlock {
  uint16_t start = 0;  // offsets from the cumulative TSN ack
  uint16_t end = 0;
  bool operator==(const GapBlock&) const = default;
};

struct SackChunk {
  // Blocks kept from a parsed SACK (more are ignored: the next SACK reports them again);
  // the number a writer sends at most.
  static constexpr size_t kMaxGapBlocks = 32;
  uint32_t cumulativeTsnAck = 0;
  uint32_t advertisedWindow = 0;
  std::array<GapBlock, kMaxGapBlocks> gaps{};
  size_t gapCount = 0;
  size_t duplicateCount = 0;  // parsed only (we never report duplicates)

  std::span<const GapBlock> gapBlocks() const noexcept { return {gaps.data(), gapCount}; }
  static Result<SackChunk> parse(std::span<const uint8_t> value) noexcept;
  bool writeTo(PacketWriter& w) const noexcept;
};

}  // namespace rtcgate::wire::sctp
