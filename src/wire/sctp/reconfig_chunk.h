#pragma once
// RE-CONFIG (RFC 6525 §3.1) with the parameters data channels use to close: Outgoing SSN
// Reset Request (§4.1) and Re-configuration Response (§4.4). Other parameters are kept as
// their type, so that the receiver can answer them "denied".

#include <array>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "wire/sctp/packet.h"

namespace rtcgate::wire::sctp {

enum class ReconfigResult : uint32_t {
  kNothingToDo = 0,
  kPerformed = 1,
  kDenied = 2,
  kWrongSsn = 3,
  kInProgressError = 4,
  kBadSequenceNumber = 5,
  kInProgress = 6,
};

struct ReconfigParam {
  static constexpr uint16_t kOutgoingReset = 13, kIncomingReset = 14, kResponse = 16;
  static constexpr size_t kMaxStreams = 64;
  uint16_t type = 0;
  uint32_t requestSeq = 0;   // requests; for a response, the request it answers
  uint32_t responseSeq = 0;  // outgoing reset: the last response of the sender
  uint32_t lastTsn = 0;      // outgoing reset: the sender's last assigned TSN
  ReconfigResult result = ReconfigResult::kPerformed;  // response
  std::array<uint16_t, kMaxStreams> streams{};
  size_t streamCount = 0;    // 0 in a reset request: all streams

  std::span<const uint16_t> streamIds() const noexcept { return {streams.data(), streamCount}; }
};

struct ReconfigChunk {
  std::array<ReconfigParam, 2> params{};
  size_t paramCount = 0;

  std::span<const ReconfigParam> items() const noexcept { return {params.data(), paramCount}; }
  static Result<ReconfigChunk> parse(std::span<const uint8_t> value) noexcept;
  bool writeTo(PacketWriter& w) const noexcept;
};

}  // namespace rtcgate::wire::sctp
