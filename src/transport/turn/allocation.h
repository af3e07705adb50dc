#pragma once
// Allocation: one TURN allocation (RFC 8656 §2.2) — its client 5-tuple, relayed address,
// credentials, lifetime, permissions (§9) and channel bindings (§12), in fixed arrays so
// the relay path never allocates.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/socket_address.h"
#include "transport/turn/byte_budget.h"
#include "transport/turn/turn_types.h"
#include "wire/stun/integrity.h"
#include "wire/stun/stun_types.h"

namespace rtcgate::transport::turn {

inline constexpr int64_t kPermissionLifetimeUs = 300'000'000;  // RFC 8656 §9: 300 s
inline constexpr int64_t kChannelLifetimeUs = 600'000'000;     // §12: 10 minutes

// Per-user state shared by a user's allocations.
struct TurnUser {
  size_t allocations = 0;
  ByteBudget budget;
};

class Allocation {
 public:
  static constexpr size_t kMaxPermissions = 16;
  static constexpr size_t kMaxChannels = 16;

  struct Permission {
    SocketAddress ip;  // port 0: permissions are per IP address (§9)
    int64_t expiresUs = 0;
  };
  struct Channel {
    uint16_t number = 0;
    SocketAddress peer;
    int64_t expiresUs = 0;
  };

  RelayId id = 0;
  TurnClient client;
  SocketAddress relayed;
  std::string username;  // "expiry:user" of the Allocate; later requests must use it (§7.2)
  TurnUser* user = nullptr;
  wire::stun::IntegrityKey key;  // keyed with MD5(username:realm:password)
  int64_t expiresUs = 0;
  wire::stun::TransactionId allocateTid{};  // a retransmitted Allocate gets the same answer
  ByteBudget budget;

  // Installs or refreshes the permission for peer's IP; false when the table is full.
  bool permit(const SocketAddress& peer, int64_t nowUs) noexcept;
  bool permitted(const SocketAddress& peer, int64_t nowUs) const noexcept;

  // Binds or refreshes (channel, peer) (§12.2); kBadRequest-worthy conflicts return false
  // in `conflict`, a full table returns false with conflict unset.
  bool bindChannel(uint16_t number, const SocketAddress& peer, int64_t nowUs, bool& conflict) noexcept;
  // The live channel bound to `peer`, 0 if none.
  uint16_t channelFor(const SocketAddress& peer, int64_t nowUs) const noexcept;
  // The peer a live channel is bound to.
  const SocketAddress* peerOf(uint16_t number, int64_t nowUs) const noexcept;

 private:
  std::array<Permission, kMaxPermissions> permissions_{};
  std::array<Channel, kMaxChannels> channels_{};
};

}  // namespace rtcgate::transport::turn
