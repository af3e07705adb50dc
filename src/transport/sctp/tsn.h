#pragma once
// TSN and SSN arithmetic (RFC 9260 §1.6: serial number arithmetic, RFC 1982).

#include <cstdint>

namespace rtcgate::transport::sctp {

constexpr bool tsnLess(uint32_t a, uint32_t b) noexcept { return static_cast<int32_t>(a - b) < 0; }
constexpr bool tsnLessEq(uint32_t a, uint32_t b) noexcept { return a == b || tsnLess(a, b); }
struct TsnOrder {
  bool operator()(uint32_t a, uint32_t b) const noexcept { return tsnLess(a, b); }
};
constexpr bool ssnLess(uint16_t a, uint16_t b) noexcept { return static_cast<int16_t>(a - b) < 0; }
struct SsnOrder {
  bool operator()(uint16_t a, uint16_t b) const noexcept { return ssnLess(a, b); }
};

}  // namespace rtcgate::transport::sctp
