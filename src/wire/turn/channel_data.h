#pragma once
// ChannelData messages of TURN (RFC 8656 §12.4): a 4-byte header (channel number, length)
// in front of application data, the cheap framing of relayed packets on a bound channel.

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::turn {

inline constexpr uint16_t kMinChannel = 0x4000;  // RFC 8656 §12: 0x4000 through 0x4FFF
inline constexpr uint16_t kMaxChannel = 0x4FFF;
inline constexpr size_t kChannelDataHeaderSize = 4;

constexpr bool validChannel(uint16_t channel) noexcept {
  return channel >= kMinChannel && channel <= kMaxChannel;
}

// RFC 7983 §7 (as updated by RFC 8656): a first byte of 64..79 is TURN ChannelData.
constexpr bool looksLikeChannelData(std::span<const uint8_t> data) noexcept {
  return !data.empty() && data[0] >= 0x40 && data[0] <= 0x4F;
}

// One ChannelData message: its channel and its data (without padding).
struct ChannelData {
  uint16_t channel = 0;
  std::span<const uint8_t> data;
};

// Parses one ChannelData message (§12.4). Over UDP the datagram may carry up to 3 padding
// bytes after the data; over a stream, padding to a multiple of 4 is mandatory and the
// caller passes exactly one frame (see nextFrameLength). Errors: kTruncated when the data
// is shorter than its length, kMalformed for a channel number out of range or extra bytes.
Result<ChannelData> parseChannelData(std::span<const uint8_t> bytes) noexcept;

// Writes header, data and, when `pad`, zero padding to a multiple of 4 (mandatory over TCP
// and TLS, §12.5). Returns the bytes written, kNoSpace when `out` is too small.
Result<size_t> serializeChannelData(uint16_t channel, std::span<const uint8_t> data, bool pad,
                                    std::span<uint8_t> out) noexcept;

}  // namespace rtcgate::wire::turn
