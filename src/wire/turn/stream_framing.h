#pragma once
// Framing of TURN over a byte stream (TCP, TLS; RFC 8656 §12.5): STUN messages and
// ChannelData messages follow each other, each delimited by its own length field.

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::turn {

// Longest frame rtcgate accepts on a stream: a STUN message or a padded ChannelData of a
// full-size UDP payload. Longer announced lengths are refused before any byte is buffered.
inline constexpr size_t kMaxStreamFrame = 4 + 65536;

// Length of the frame at the start of `buffered`: 20 + length for STUN (first two bits 00
// and the magic cookie, RFC 8489 §6), 4 + length padded to 4 for ChannelData (first byte
// 0x40-0x4F). Returns 0 when more bytes are needed to know, kMalformed for any other start
// (a TLS record, HTTP...), a STUN length that is not a multiple of 4, or a frame longer than
// `maxFrame`.
Result<size_t> nextFrameLength(std::span<const uint8_t> buffered, size_t maxFrame = kMaxStreamFrame) noexcept;

}  // namespace rtcgate::wire::turn
