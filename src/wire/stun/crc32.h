#pragma once
// CRC-32 (ISO-HDLC, the one of zlib and Ethernet), used by the STUN FINGERPRINT attribute.

#include <cstdint>
#include <span>

namespace rtcgate::wire::stun {

// CRC-32 of `data` continuing from `crc` (0 to start): reflected polynomial 0xEDB88320.
uint32_t crc32(std::span<const uint8_t> data, uint32_t crc = 0) noexcept;

}  // namespace rtcgate::wire::stun
