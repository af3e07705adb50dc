#pragma once
// Picture Loss Indication (PSFB FMT=1, RFC 4585 §6.3.1).

#include <cstdint>
#include <span>

#include "wire/rtcp/feedback.h"

namespace rtcgate::wire::rtcp {

// Asks the sender of `mediaSsrc` for a decoder refresh point (keyframe).
struct Pli {
  uint32_t senderSsrc = 0;
  uint32_t mediaSsrc = 0;

  // RFC 4585 §6.3.1: no FCI; any FCI bytes present are ignored.
  static Result<Pli> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept { return kHeaderSize + kFeedbackCommonSize; }
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
  bool operator==(const Pli&) const = default;
};

}  // namespace rtcgate::wire::rtcp
