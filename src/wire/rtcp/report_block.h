#pragma once
// One reception report block, shared by SR and RR (RFC 3550 §6.4.1).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/byte_writer.h"
#include "base/result.h"

namespace rtcgate::wire::rtcp {

// Reception statistics about one source, as carried in SR/RR.
struct ReportBlock {
  static constexpr size_t kSize = 24;

  uint32_t sourceSsrc = 0;
  uint8_t fractionLost = 0;    // fixed point /256
  int32_t cumulativeLost = 0;  // 24-bit signed
  uint32_t extendedHighestSeq = 0;
  uint32_t jitter = 0;            // RTP timestamp units
  uint32_t lastSr = 0;            // middle 32 bits of the last SR's NTP time
  uint32_t delaySinceLastSr = 0;  // 1/65536 s

  // Parses exactly the first 24 bytes of `data`.
  static Result<ReportBlock> parse(std::span<const uint8_t> data) noexcept;
  bool serializeTo(ByteWriter& w) const noexcept;
  bool operator==(const ReportBlock&) const = default;
};

// Up to 31 report blocks (the 5-bit RC field), held without allocation.
struct ReportBlockList {
  static constexpr size_t kMax = 31;
  std::array<ReportBlock, kMax> blocks{};
  uint8_t count = 0;

  bool add(const ReportBlock& b) noexcept {
    if (count >= kMax) return false;
    blocks[count++] = b;
    return true;
  }
  std::span<const ReportBlock> items() const noexcept { return {blocks.data(), count}; }
  // Parses `n` consecutive blocks from the start of `data`.
  Status parse(std::span<const uint8_t> data, size_t n) noexcept;
  bool serializeTo(ByteWriter& w) const noexcept;
};

}  // namespace rtcgate::wire::rtcp
