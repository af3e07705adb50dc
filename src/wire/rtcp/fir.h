#pragma once
// Full Intra Request (PSFB FMT=4, RFC 5104 §4.3.1).

#include <array>
#include <cstdint>
#include <span>

#include "wire/rtcp/feedback.h"

namespace rtcgate::wire::rtcp {

// One FCI entry: which SSRC must send a keyframe, and the request's sequence number.
struct FirEntry {
  uint32_t ssrc = 0;
  uint8_t seqNr = 0;  // incremented per new request, RFC 5104 §4.3.1.2
  bool operator==(const FirEntry&) const = default;
};

// A FIR for up to kMaxEntries media senders (media SSRC in the header is 0).
struct Fir {
  static constexpr size_t kMaxEntries = 32;
  uint32_t senderSsrc = 0;
  std::array<FirEntry, kMaxEntries> entries{};
  uint8_t count = 0;

  bool add(uint32_t ssrc, uint8_t seqNr) noexcept;
  std::span<const FirEntry> items() const noexcept { return {entries.data(), count}; }

  static Result<Fir> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept { return kHeaderSize + kFeedbackCommonSize + 8u * count; }
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

}  // namespace rtcgate::wire::rtcp
