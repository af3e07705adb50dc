#pragma once
// Builders for the Binding responses both ICE agents send (RFC 8489 §6.3, RFC 8445 §7.3).

#include <cstdint>
#include <span>

#include "base/result.h"
#include "base/socket_address.h"
#include "wire/stun/integrity.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::ice {

// Largest response either agent builds (error + UNKNOWN-ATTRIBUTES + MI + FINGERPRINT).
inline constexpr size_t kMaxResponseSize = 256;

// Success response with XOR-MAPPED-ADDRESS = the request's source, MESSAGE-INTEGRITY with
// `key` (the responder's pwd) and FINGERPRINT (RFC 8445 §7.3.1).
Result<std::span<uint8_t>> buildBindingSuccess(std::span<uint8_t> buf, const wire::stun::StunMessage& req,
                                               const SocketAddress& mapped,
                                               wire::stun::IntegrityKey& key) noexcept;

// Error response; `key` is null when the request did not authenticate (400/401 carry no
// MESSAGE-INTEGRITY, RFC 8489 §9.1.3). `unknown` fills UNKNOWN-ATTRIBUTES for 420.
Result<std::span<uint8_t>> buildBindingError(std::span<uint8_t> buf, const wire::stun::StunMessage& req,
                                             wire::stun::ErrorCode code, wire::stun::IntegrityKey* key,
                                             std::span<const uint16_t> unknown = {}) noexcept;

}  // namespace rtcgate::transport::ice
