#pragma once
// In-place rewriting of RTP header fields for the SFU forwarding path (RFC 3550 §5.1).

#include <cstdint>
#include <span>

namespace rtcgate::wire::rtp {

// These write into a packet that RtpPacketView::parse accepted (at least 12 bytes);
// they return false, changing nothing, when the span is shorter than the fixed header.
bool setMarker(std::span<uint8_t> packet, bool marker) noexcept;
bool setPayloadType(std::span<uint8_t> packet, uint8_t pt) noexcept;  // pt < 128
bool setSequenceNumber(std::span<uint8_t> packet, uint16_t seq) noexcept;
bool setTimestamp(std::span<uint8_t> packet, uint32_t ts) noexcept;
bool setSsrc(std::span<uint8_t> packet, uint32_t ssrc) noexcept;

// RFC 8285: the writable bytes of extension `id`'s value, empty when the packet has no
// such extension (or does not parse). Used to rewrite transport-cc seq or abs-send-time.
std::span<uint8_t> mutableExtension(std::span<uint8_t> packet, uint8_t id) noexcept;

// Overwrites extension `id`'s value; false unless it exists with exactly value.size() bytes.
bool writeExtension(std::span<uint8_t> packet, uint8_t id, std::span<const uint8_t> value) noexcept;

}  // namespace rtcgate::wire::rtp
