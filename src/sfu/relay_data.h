#pragma once
// A stream's data channel message as it crosses a relay link (docs/CLUSTER.md "Relays"):
// the publisher's channel (label, protocol, reliability), whether it is binary, its payload,
// and for timed metadata the media stamp taken where the publisher is — RTP timestamps cross
// a relay unchanged, so the far node's players place it in their own clock as the near
// node's do. Pure: parsed strictly (the bytes come from another node) and fuzzed.
//
//   u8 version (1) | u8 flags (1: binary, 2: stamped, 4: stamp of video) |
//   u8 reliability type | u32 reliability parameter | u16 label length | label |
//   u16 protocol length | protocol | [stamped: u8 layer mask | u32 timestamp per set bit] |
//   payload

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "sfu/data_sink.h"

namespace rtcgate::sfu {

inline constexpr size_t kMaxRelayDataName = 1024;  // label, protocol (DCEP's bound)
// What one relayed message may add to its payload.
inline constexpr size_t kMaxRelayDataHeader = 2 * kMaxRelayDataName + 32;

std::vector<uint8_t> encodeRelayData(const DataMessage& message);
Result<DataMessage> parseRelayData(std::span<const uint8_t> bytes);

}  // namespace rtcgate::sfu
