#pragma once
// Receiver Estimated Maximum Bitrate (PSFB FMT=15 'REMB', draft-alvestrand-rmcat-remb-03 §2.2).

#include <array>
#include <cstdint>
#include <span>

#include "wire/rtcp/feedback.h"

namespace rtcgate::wire::rtcp {

// The receiver's total bandwidth estimate for a set of SSRCs.
struct Remb {
  static constexpr size_t kMaxSsrcs = 255;  // 8-bit Num SSRC
  uint32_t senderSsrc = 0;
  uint64_t bitrateBps = 0;  // encoded as 6-bit exponent and 18-bit mantissa (rounded down)
  std::array<uint32_t, kMaxSsrcs> ssrcs{};
  uint8_t count = 0;

  bool addSsrc(uint32_t ssrc) noexcept;
  std::span<const uint32_t> items() const noexcept { return {ssrcs.data(), count}; }

  // Parses a PSFB/AFB packet; a non-REMB AFB message yields kUnsupported.
  static Result<Remb> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept { return kHeaderSize + kFeedbackCommonSize + 8 + 4u * count; }
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

// True when a PSFB FMT=15 packet's FCI starts with the 'REMB' identifier.
bool isRemb(std::span<const uint8_t> packet) noexcept;

}  // namespace rtcgate::wire::rtcp
