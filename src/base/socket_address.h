#pragma once
// SocketAddress: an IPv4 or IPv6 address and port, a value type usable as a map key.
// Lives in base/ so sans-IO layers can name peers without touching sockets. It also says
// whether the path is UDP (the default) or a TCP connection (ICE-TCP): the same ip:port over
// TCP is another path, so the two compare unequal and a sender knows which socket to use.

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtcgate {

class SocketAddress {
 public:
  SocketAddress() noexcept;
  // From a sockaddr_in / sockaddr_in6 (anything else yields an empty address).
  static SocketAddress fromSockaddr(const sockaddr* sa, socklen_t len) noexcept;
  // IPv4 from host-order address and port.
  static SocketAddress ipv4(uint32_t hostOrderAddr, uint16_t port) noexcept;
  // IPv6 from 16 network-order bytes.
  static SocketAddress ipv6(const uint8_t bytes[16], uint16_t port) noexcept;
  // "1.2.3.4" or "::1" plus a port; nullopt if the text is not an IP literal.
  static std::optional<SocketAddress> parse(std::string_view ip, uint16_t port);

  enum class Transport : uint8_t { kUdp, kTcp };

  bool empty() const noexcept { return storage_.ss_family == AF_UNSPEC; }
  Transport transport() const noexcept { return transport_; }
  bool isTcp() const noexcept { return transport_ == Transport::kTcp; }
  // The same address and port on `t`.
  SocketAddress withTransport(Transport t) const noexcept {
    SocketAddress a = *this;
    a.transport_ = t;
    return a;
  }
  bool isIpv4() const noexcept { return storage_.ss_family == AF_INET; }
  bool isIpv6() const noexcept { return storage_.ss_family == AF_INET6; }
  uint16_t port() const noexcept;
  void setPort(uint16_t port) noexcept;
  // Host-order IPv4 address (0 for IPv6).
  uint32_t ipv4Addr() const noexcept;
  // 16 network-order bytes of an IPv6 address (nullptr for IPv4).
  const uint8_t* ipv6Bytes() const noexcept;

  const sockaddr* sockaddrPtr() const noexcept { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t sockaddrLen() const noexcept;

  std::string ipString() const;
  std::string toString() const;  // "1.2.3.4:5" or "[::1]:5", with "/tcp" after a TCP path
  size_t hash() const noexcept;

  friend bool operator==(const SocketAddress& a, const SocketAddress& b) noexcept;
  friend bool operator!=(const SocketAddress& a, const SocketAddress& b) noexcept { return !(a == b); }

 private:
  sockaddr_storage storage_;
  Transport transport_ = Transport::kUdp;
};

struct SocketAddressHash {
  size_t operator()(const SocketAddress& a) const noexcept { return a.hash(); }
};

}  // namespace rtcgate
