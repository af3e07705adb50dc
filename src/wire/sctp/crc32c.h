#pragma once
// CRC32c (Castagnoli), the checksum of every SCTP packet (RFC 9260 §6.8, Appendix A).

#include <cstdint>
#include <span>

namespace rtcgate::wire::sctp {

// The CRC32c of `data` (reflected, inverted: 0xE3069283 for "123456789").
uint32_t crc32c(std::span<const uint8_t> data) noexcept;
// The CRC32c of what `crc` was the CRC of, followed by `data` (crc32c = extend from 0).
uint32_t crc32cExtend(uint32_t crc, std::span<const uint8_t> data) noexcept;

}  // namespace rtcgate::wire::sctp
