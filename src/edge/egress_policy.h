#pragma once
// EgressPolicy: which addresses the gateway may connect to when an API caller asks it to
// push a stream somewhere. An attacker with (or without) API access must not make the
// gateway reach inside its own network: by default a push may go to public addresses and
// loopback, never to private, link-local (cloud metadata at 169.254.169.254), multicast or
// reserved ones, unless the config names their networks. Checked on every address a name
// resolves to, at every connection attempt (a name may resolve differently later).

#include <optional>
#include <string>
#include <vector>

#include "base/ip_network.h"
#include "base/socket_address.h"

namespace rtcgate::edge {

class EgressPolicy {
 public:
  EgressPolicy() = default;
  // `allowed`: extra networks (CIDR) pushes may reach; throws std::invalid_argument on a bad one.
  explicit EgressPolicy(const std::vector<std::string>& allowed, bool allowLoopback = true);

  // Nullopt when a push may connect to `address`, else why not (for the caller and logs).
  std::optional<std::string> refusal(const SocketAddress& address) const;

 private:
  std::vector<IpNetwork> allowed_;
  bool allowLoopback_ = true;
};

}  // namespace rtcgate::edge
