#pragma once
// admitStun: the checks both ICE agents run on every datagram before looking at it.

#include <optional>
#include <span>

#include "transport/ice/ice_types.h"
#include "wire/stun/message.h"

namespace rtcgate::transport::ice {

// The parsed message, or nullopt with the drop counted: the agent has ended, the bytes are
// not STUN, or FINGERPRINT is missing or wrong (RFC 8445 §7.2.2: then it may not be STUN
// at all, RFC 7983 demux, so nothing is answered).
std::optional<wire::stun::StunMessage> admitStun(std::span<const uint8_t> data, IceState state,
                                                 IceDropCounters& drops) noexcept;

}  // namespace rtcgate::transport::ice
