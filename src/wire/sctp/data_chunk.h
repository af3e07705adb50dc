#pragma once
// DATA (RFC 9260 §3.3.1): one fragment of a user message on a stream.

#include <cstdint>
#include <span>

#include "base/result.h"
#include "wire/sctp/packet.h"

namespace rtcgate::wire::sctp {

struct DataChunk {
  static constexpr size_t kHeaderSize = 16;  // chunk header + TSN, stream, SSN, PPID
  static constexpr uint8_t kEnding = 0x01, kBeginning = 0x02, kUnordered = 0x04, kImmediate = 0x08;

  uint32_t tsn = 0;
  uint16_t streamId = 0;
  uint16_t ssn = 0;
  uint32_t ppid = 0;
  uint8_t flags = 0;
  std::span<const uint8_t> payload;

  bool beginning() const noexcept { return flags & kBeginning; }
  bool ending() const noexcept { return flags & kEnding; }
  bool unordered() const noexcept { return flags & kUnordered; }

  // RFC 9260 §3.3.1: a DATA chunk without user data is a protocol violation.
  static Result<DataChunk> parse(const ChunkView& chunk) noexcept;
  bool writeTo(PacketWriter& w) const noexcept;
};

}  // namespace rtcgate::wire::sctp
