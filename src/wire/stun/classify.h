#pragma once
// Cheap checks a shared UDP port runs on a first datagram before any agent owns it.

#include <cstdint>
#include <span>
#include <string_view>

namespace rtcgate::wire::stun {

// RFC 7983 §7: first byte 0..3, plus the RFC 8489 magic cookie and a sane length.
bool looksLikeStun(std::span<const uint8_t> data) noexcept;

// The part of USERNAME before ':' (the receiver's ufrag, RFC 8445 §7.2.2) of a STUN
// request, found by walking attributes without full validation; empty if none.
std::string_view recipientUfrag(std::span<const uint8_t> data) noexcept;

}  // namespace rtcgate::wire::stun
