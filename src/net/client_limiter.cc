#include "net/client_limiter.h"

#include <algorithm>
#include <cstring>

namespace rtcgate::net {

struct ClientSlot::Entry {
  double tokens = 0;
  int64_t refilledUs = 0;
  size_t open = 0;
};

ClientSlot& ClientSlot::operator=(ClientSlot&& other) noexcept {
  if (this != &other) {
    release();
    entry_ = std::move(other.entry_);
  }
  return *this;
}

void ClientSlot::release() noexcept {
  if (entry_ && entry_->open > 0) --entry_->open;
  entry_.reset();
}

namespace {

bool isLoopback(const SocketAddress& a) {
  if (a.isIpv4()) return (a.ipv4Addr() >> 24) == 127;
  if (!a.isIpv6()) return false;
  static constexpr uint8_t kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(a.ipv6Bytes(), kLoopback, 16) == 0;
}

bool isV4Mapped(const uint8_t* b) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b, kPrefix, 12) == 0;
}

}  // namespace

SocketAddress ClientLimiter::clientKey(const SocketAddress& remote) {
  if (remote.isIpv4()) return SocketAddress::ipv4(remote.ipv4Addr(), 0);
  if (!remote.isIpv6()) return SocketAddress{};
  const uint8_t* b = remote.ipv6Bytes();
  if (isV4Mapped(b)) {
    return SocketAddress::ipv4(uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 | uint32_t{b[14]} << 8 | b[15], 0);
  }
  uint8_t prefix[16] = {};
  std::memcpy(prefix, b, 8);
  return SocketAddress::ipv6(prefix, 0);
}

double ClientLimiter::refilled(const ClientSlot::Entry& e, int64_t nowUs) const noexcept {
  return e.tokens + static_cast<double>(nowUs - e.refilledUs) * limits_.connectionsPerSecond / 1e6;
}

bool ClientLimiter::makeRoom(int64_t nowUs) {
  if (clients_.size() < limits_.maxTrackedClients) return true;
  std::erase_if(clients_, [&](const auto& kv) {
    const auto& e = *kv.second;
    return e.open == 0 && refilled(e, nowUs) >= limits_.connectionBurst;
  });
  return clients_.size() < limits_.maxTrackedClients;
}

ClientLimiter::Verdict ClientLimiter::admit(const SocketAddress& remote, ClientSlot& slot) {
  const SocketAddress key = clientKey(remote);
  if (limits_.exemptLoopback && (isLoopback(key) || isLoopback(remote))) return Verdict::kAdmit;
  const int64_t now = clock_.nowUs();
  auto it = clients_.find(key);
  if (it == clients_.end()) {
    if (!makeRoom(now)) return Verdict::kTableFull;
    auto entry = std::make_shared<ClientSlot::Entry>();
    entry->tokens = limits_.connectionBurst;
    entry->refilledUs = now;
    it = clients_.emplace(key, std::move(entry)).first;
  }
  auto& e = *it->second;
  e.tokens = std::min(limits_.connectionBurst, refilled(e, now));
  e.refilledUs = now;
  if (e.open >= limits_.maxOpenPerClient) return Verdict::kTooManyOpen;
  if (e.tokens < 1) return Verdict::kRateLimited;
  e.tokens -= 1;
  ++e.open;
  slot = ClientSlot(it->second);
  return Verdict::kAdmit;
}

const char* verdictName(ClientLimiter::Verdict v) noexcept {
  switch (v) {
    case ClientLimiter::Verdict::kAdmit: return "admitted";
    case ClientLimiter::Verdict::kRateLimited: return "client_rate";
    case ClientLimiter::Verdict::kTooManyOpen: return "client_open";
    case ClientLimiter::Verdict::kTableFull: return "client_table_full";
  }
  return "unknown";
}

}  // namespace rtcgate::net
