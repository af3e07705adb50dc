#pragma once
// The peer addresses the built-in TURN server relays to: rtcgate's own media ports, as ICE
// candidates advertise them and as they are bound.

#include <string>
#include <vector>

#include "base/socket_address.h"
#include "transport/turn/turn_types.h"

namespace rtcgate::edge {

// For each worker's bound UDP address: the bound address itself (unless a wildcard, which
// loopback stands for) and every advertised IP with the worker's port, all relayed to the
// bound address (loopback of its family for a wildcard bind). Unparsable IPs are skipped.
std::vector<transport::turn::PeerRoute> turnPeerRoutes(const std::vector<SocketAddress>& bound,
                                                       const std::vector<std::string>& advertisedIps);

}  // namespace rtcgate::edge
