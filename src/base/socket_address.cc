#include "base/socket_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace rtcgate {

SocketAddress::SocketAddress() noexcept {
  std::memset(&storage_, 0, sizeof storage_);
  storage_.ss_family = AF_UNSPEC;
}

SocketAddress SocketAddress::fromSockaddr(const sockaddr* sa, socklen_t len) noexcept {
  SocketAddress a;
  if (sa && sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    std::memcpy(&a.storage_, sa, sizeof(sockaddr_in));
  } else if (sa && sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    std::memcpy(&a.storage_, sa, sizeof(sockaddr_in6));
    // Compare by address and port only.
    reinterpret_cast<sockaddr_in6*>(&a.storage_)->sin6_flowinfo = 0;
  }
  return a;
}

SocketAddress SocketAddress::ipv4(uint32_t hostOrderAddr, uint16_t port) noexcept {
  SocketAddress a;
  auto* in = reinterpret_cast<sockaddr_in*>(&a.storage_);
  in->sin_family = AF_INET;
  in->sin_addr.s_addr = htonl(hostOrderAddr);
  in->sin_port = htons(port);
  return a;
}

SocketAddress SocketAddress::ipv6(const uint8_t bytes[16], uint16_t port) noexcept {
  SocketAddress a;
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  in6->sin6_family = AF_INET6;
  std::memcpy(&in6->sin6_addr, bytes, 16);
  in6->sin6_port = htons(port);
  return a;
}

std::optional<SocketAddress> SocketAddress::parse(std::string_view ip, uint16_t port) {
  const std::string text(ip);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return ipv4(ntohl(v4.s_addr), port);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return ipv6(v6.s6_addr, port);
  return std::nullopt;
}

uint16_t SocketAddress::port() const noexcept {
  if (isIpv4()) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (isIpv6()) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

void SocketAddress::setPort(uint16_t port) noexcept {
  if (isIpv4()) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (isIpv6()) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

uint32_t SocketAddress::ipv4Addr() const noexcept {
  return isIpv4() ? ntohl(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr) : 0;
}

const uint8_t* SocketAddress::ipv6Bytes() const noexcept {
  return isIpv6() ? reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr.s6_addr : nullptr;
}

socklen_t SocketAddress::sockaddrLen() const noexcept {
  if (isIpv4()) return sizeof(sockaddr_in);
  if (isIpv6()) return sizeof(sockaddr_in6);
  return 0;
}

std::string SocketAddress::ipString() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (isIpv4()) inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
  if (isIpv6()) inet_ntop(AF_INET6, ipv6Bytes(), buf, sizeof buf);
  return buf;
}

std::string SocketAddress::toString() const {
  const char* suffix = isTcp() ? "/tcp" : "";
  if (isIpv6()) return "[" + ipString() + "]:" + std::to_string(port()) + suffix;
  if (isIpv4()) return ipString() + ":" + std::to_string(port()) + suffix;
  return "<none>";
}

size_t SocketAddress::hash() const noexcept {
  size_t h = 1469598103934665603ULL;
  auto mix = [&h](const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  };
  const uint16_t p = port();
  mix(reinterpret_cast<const uint8_t*>(&p), sizeof p);
  const auto t = static_cast<uint8_t>(transport_);
  mix(&t, 1);
  if (isIpv4()) {
    const uint32_t a = ipv4Addr();
    mix(reinterpret_cast<const uint8_t*>(&a), sizeof a);
  } else if (isIpv6()) {
    mix(ipv6Bytes(), 16);
  }
  return h;
}

bool operator==(const SocketAddress& a, const SocketAddress& b) noexcept {
  if (a.storage_.ss_family != b.storage_.ss_family || a.port() != b.port() || a.transport_ != b.transport_)
    return false;
  if (a.isIpv4()) return a.ipv4Addr() == b.ipv4Addr();
  if (a.isIpv6()) return std::memcmp(a.ipv6Bytes(), b.ipv6Bytes(), 16) == 0;
  return true;
}

}  // namespace rtcgate
