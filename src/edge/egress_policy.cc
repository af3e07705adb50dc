#include "edge/egress_policy.h"

#include <stdexcept>

namespace rtcgate::edge {

EgressPolicy::EgressPolicy(const std::vector<std::string>& allowed, bool allowLoopback) : allowLoopback_(allowLoopback) {
  for (const auto& text : allowed) {
    auto n = IpNetwork::parse(text);
    if (!n) throw std::invalid_argument("not a network (CIDR): '" + text + "'");
    allowed_.push_back(*n);
  }
}

std::optional<std::string> EgressPolicy::refusal(const SocketAddress& address) const {
  const AddressScope scope = addressScope(address);
  if (scope == AddressScope::kPublic || (scope == AddressScope::kLoopback && allowLoopback_)) return std::nullopt;
  for (const auto& n : allowed_)
    if (n.contains(address)) return std::nullopt;
  return "pushes may not reach " + address.ipString() + " (a " + std::string(addressScopeName(scope)) +
         " address; egress_allowed_networks can allow its network)";
}

}  // namespace rtcgate::edge
