#include "base/ip_network.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace rtcgate {
namespace {

// The address as 16 bytes (IPv4 as ::ffff:a.b.c.d) and whether it is IPv4.
bool asV4(const SocketAddress& a, uint32_t& v4) noexcept {
  if (a.isIpv4()) {
    v4 = a.ipv4Addr();
    return true;
  }
  const uint8_t* b = a.ipv6Bytes();
  if (b == nullptr) return false;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) != 0) return false;
  v4 = uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 | uint32_t{b[14]} << 8 | b[15];
  return true;
}

bool prefixMatches(const uint8_t* a, const uint8_t* b, int prefix) noexcept {
  const int whole = prefix / 8;
  if (std::memcmp(a, b, static_cast<size_t>(whole)) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

bool inV4(uint32_t addr, uint32_t net, int prefix) noexcept {
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  return (addr & mask) == (net & mask);
}

constexpr uint32_t v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return uint32_t{a} << 24 | b << 16 | c << 8 | d; }

AddressScope scopeV4(uint32_t a) noexcept {
  if (inV4(a, v4(127, 0, 0, 0), 8)) return AddressScope::kLoopback;
  if (inV4(a, v4(0, 0, 0, 0), 8)) return AddressScope::kUnspecified;
  if (inV4(a, v4(10, 0, 0, 0), 8) || inV4(a, v4(172, 16, 0, 0), 12) || inV4(a, v4(192, 168, 0, 0), 16) ||
      inV4(a, v4(100, 64, 0, 0), 10))
    return AddressScope::kPrivate;
  if (inV4(a, v4(169, 254, 0, 0), 16)) return AddressScope::kLinkLocal;
  if (inV4(a, v4(224, 0, 0, 0), 4)) return AddressScope::kMulticast;
  if (inV4(a, v4(240, 0, 0, 0), 4) || inV4(a, v4(192, 0, 0, 0), 24) || inV4(a, v4(192, 0, 2, 0), 24) ||
      inV4(a, v4(198, 18, 0, 0), 15) || inV4(a, v4(198, 51, 100, 0), 24) || inV4(a, v4(203, 0, 113, 0), 24) ||
      inV4(a, v4(192, 88, 99, 0), 24))
    return AddressScope::kReserved;
  return AddressScope::kPublic;
}

}  // namespace

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string ip(text.substr(0, slash));
  IpNetwork n;
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, ip.c_str(), &a4) == 1) {
    n.v6_ = false;
    std::memcpy(n.bytes_.data(), &a4, 4);
    n.prefix_ = 32;
  } else if (inet_pton(AF_INET6, ip.c_str(), &a6) == 1) {
    n.v6_ = true;
    std::memcpy(n.bytes_.data(), &a6, 16);
    n.prefix_ = 128;
  } else {
    return std::nullopt;
  }
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    int prefix = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || prefix < 0 ||
        prefix > n.prefix_)
      return std::nullopt;
    n.prefix_ = prefix;
  }
  return n;
}

bool IpNetwork::contains(const SocketAddress& address) const noexcept {
  if (!v6_) {
    uint32_t a = 0;
    if (!asV4(address, a)) return false;
    const uint8_t b[4] = {uint8_t(a >> 24), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a)};
    return prefixMatches(b, bytes_.data(), prefix_);
  }
  const uint8_t* b = address.ipv6Bytes();
  return b != nullptr && prefixMatches(b, bytes_.data(), prefix_);
}

std::string IpNetwork::toString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_.data(), buf, sizeof(buf));
  return std::string(buf) + "/" + std::to_string(prefix_);
}

AddressScope addressScope(const SocketAddress& address) noexcept {
  uint32_t a = 0;
  if (asV4(address, a)) return scopeV4(a);
  const uint8_t* b = address.ipv6Bytes();
  if (b == nullptr) return AddressScope::kUnspecified;
  static constexpr uint8_t kZero[16] = {};
  if (std::memcmp(b, kZero, 15) == 0) return b[15] == 1 ? AddressScope::kLoopback : AddressScope::kUnspecified;
  if ((b[0] & 0xFE) == 0xFC) return AddressScope::kPrivate;  // fc00::/7
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressScope::kLinkLocal;  // fe80::/10
  if (b[0] == 0xFF) return AddressScope::kMulticast;
  // ::/8 (IPv4-compatible, NAT64 64:ff9b::/96...) and 2002::/16 (6to4) embed IPv4
  // addresses that may be internal; 100::/64 is discard, 2001:db8::/32 documentation.
  const bool documentation = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
  if (b[0] == 0x00 || (b[0] == 0x01 && b[1] == 0x00) || documentation || (b[0] == 0x20 && b[1] == 0x02))
    return AddressScope::kReserved;
  return AddressScope::kPublic;
}

std::string_view addressScopeName(AddressScope scope) noexcept {
  switch (scope) {
    case AddressScope::kPublic: return "public";
    case AddressScope::kLoopback: return "loopback";
    case AddressScope::kPrivate: return "private";
    case AddressScope::kLinkLocal: return "link-local";
    case AddressScope::kUnspecified: return "unspecified";
    case AddressScope::kMulticast: return "multicast";
    case AddressScope::kReserved: return "reserved";
  }
  return "unknown";
}

}  // namespace rtcgate
