#pragma once
// FORWARD TSN (RFC 3758 §3.2): the receiver is to move its cumulative TSN forward past
// abandoned messages; for ordered streams, the last stream sequence number skipped.

#include <array>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "wire/sctp/packet.h"

namespace rtcgate::wire::sctp {

struct SkippedStream {
  uint16_t streamId = 0;
  uint16_t ssn = 0;
  bool operator==(const SkippedStream&) const = default;
};

struct ForwardTsnChunk {
  static constexpr size_t kMaxStreams = 64;
  uint32_t newCumulativeTsn = 0;
  std::array<SkippedStream, kMaxStreams> streams{};
  size_t streamCount = 0;

  std::span<const SkippedStream> skipped() const noexcept { return {streams.data(), streamCount}; }
  static Result<ForwardTsnChunk> parse(std::span<const uint8_t> value) noexcept;
  bool writeTo(PacketWriter& w) const noexcept;
};

}  // namespace rtcgate::wire::sctp
