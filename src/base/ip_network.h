#pragma once
// IpNetwork: an address range in CIDR form ("10.0.0.0/8", "fd00::/8"), and the special
// ranges of RFC 6890 an address may fall in (loopback, private, link-local...).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/socket_address.h"

namespace rtcgate {

class IpNetwork {
 public:
  // "a.b.c.d/n", "v6/n", or a bare address (a /32 or /128). Nullopt on anything else.
  static std::optional<IpNetwork> parse(std::string_view text);
  // True when `address` (port ignored) is inside. An IPv4-mapped IPv6 address
  // (::ffff:a.b.c.d) counts as its IPv4 address.
  bool contains(const SocketAddress& address) const noexcept;
  std::string toString() const;

 private:
  bool v6_ = false;
  std::array<uint8_t, 16> bytes_{};
  int prefix_ = 0;
};

// What kind of address it is, for deciding whether the gateway may connect to it.
enum class AddressScope : uint8_t {
  kPublic,
  kLoopback,     // 127/8, ::1
  kPrivate,      // RFC 1918, RFC 6598 shared (100.64/10), IPv6 unique local fc00::/7
  kLinkLocal,    // 169.254/16 (cloud metadata lives there), fe80::/10
  kUnspecified,  // 0.0.0.0/8, ::
  kMulticast,    // 224/4, ff00::/8
  kReserved,     // 240/4 and broadcast, 192.0.0/24, documentation ranges, 198.18/15, and the like
};
AddressScope addressScope(const SocketAddress& address) noexcept;
std::string_view addressScopeName(AddressScope scope) noexcept;

}  // namespace rtcgate
