#pragma once
// The vocabulary of the TURN server (RFC 8656): who a client is, what the server may relay
// to, its settings and counters, and what it asks of the sockets around it.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "base/result.h"
#include "base/socket_address.h"

namespace rtcgate::transport::turn {

// How a client reaches the server (RFC 8656 §3.1). TLS is a stream like TCP.
enum class ClientTransport : uint8_t { kUdp, kTcp, kTls };

constexpr bool isStream(ClientTransport t) noexcept {
  return t != ClientTransport::kUdp;
}

// One client's 5-tuple as the edge sees it: its transport, the stream connection it came on
// (0 for UDP) and its address. An allocation belongs to exactly one.
struct TurnClient {
  ClientTransport transport = ClientTransport::kUdp;
  uint64_t connection = 0;
  SocketAddress remote;

  friend bool operator==(const TurnClient& a, const TurnClient& b) noexcept {
    return a.transport == b.transport && a.connection == b.connection && a.remote == b.remote;
  }
};

struct TurnClientHash {
  size_t operator()(const TurnClient& c) const noexcept {
    return c.remote.hash() ^ (std::hash<uint64_t>{}(c.connection) * 31) ^ static_cast<size_t>(c.transport);
  }
};

// Index of an allocation and of its relayed socket (reused after the allocation ends).
using RelayId = uint32_t;

// A peer address the server relays to: `advertised` is what clients name (our ICE candidate),
// `target` is where the relayed socket sends it (the bound address of that media port; for
// a wildcard bind, loopback). Anything else is refused: this is not an open relay.
struct PeerRoute {
  SocketAddress advertised;
  SocketAddress target;
};

// Settings of the TURN server.
struct TurnOptions {
  std::string realm = "rtcgate";
  std::string secret;              // TURN REST API shared secret
  int64_t defaultLifetimeS = 600;  // RFC 8656 §7.2: 10 minutes
  int64_t maxLifetimeS = 3600;     // an hour
  int64_t nonceLifetimeS = 600;
  size_t maxAllocations = 1000;                // in total: each holds a UDP socket
  size_t maxAllocationsPerUser = 16;           // per REST user (one hand-out of credentials)
  uint64_t maxBitrateAllocation = 20'000'000;  // bits/s relayed per allocation, both ways
  uint64_t maxBitratePerUser = 40'000'000;     // bits/s over all of a user's allocations
};

// Counters, written by the TURN thread and read by /metrics on another thread.
struct TurnStats {
  std::atomic<uint64_t> allocationsCurrent{0};
  std::atomic<uint64_t> allocationsTotal{0};
  std::atomic<uint64_t> relayedBytesToPeers{0};
  std::atomic<uint64_t> relayedBytesToClients{0};
  std::atomic<uint64_t> relayedPacketsToPeers{0};
  std::atomic<uint64_t> relayedPacketsToClients{0};
  std::atomic<uint64_t> refusedAuth{0};           // 401 with credentials, 438, 441
  std::atomic<uint64_t> refusedForbiddenPeer{0};  // 403: a peer that is not our media port
  std::atomic<uint64_t> refusedQuota{0};          // 486 / 508
  std::atomic<uint64_t> droppedNoPermission{0};   // data without permission or channel
  std::atomic<uint64_t> droppedBandwidth{0};      // over the allocation's or user's rate
  std::atomic<uint64_t> droppedMalformed{0};      // neither STUN nor valid ChannelData
};

// What the server needs from the sockets around it (the edge's TURN service).
class TurnServerListener {
 public:
  virtual ~TurnServerListener() = default;
  // A STUN message or ChannelData/Data for one client (over its UDP 5-tuple or stream).
  virtual void sendToClient(const TurnClient& client, std::span<const uint8_t> bytes) noexcept = 0;
  // A datagram from the allocation's relayed socket to a peer (a route target).
  virtual void sendToPeer(RelayId relay, const SocketAddress& to,
                          std::span<const uint8_t> bytes) noexcept = 0;
  // Binds the relayed UDP socket of a new allocation; its address as clients see it.
  virtual Result<SocketAddress> openRelay(RelayId relay, bool ipv6) = 0;
  virtual void closeRelay(RelayId relay) noexcept = 0;
};

}  // namespace rtcgate::transport::turn
