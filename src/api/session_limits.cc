#include "api/session_limits.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <span>

#include "base/hex.h"
#include "base/ip_network.h"

namespace rtcgate::api {

std::string sessionLimitKey(const SocketAddress& remote, bool exemptLoopback) {
  if (remote.empty()) return {};
  if (exemptLoopback && addressScope(remote) == AddressScope::kLoopback) return {};
  if (remote.isIpv6() && remote.ipv6Bytes()) {
    const uint8_t* b = remote.ipv6Bytes();
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, kMapped, 12) != 0) return toHex(std::span<const uint8_t>(b, 8)) + "::/64";
  }
  return remote.ipString();
}

void SessionLimits::refill(Client& c, int64_t nowUs) const {
  if (nowUs <= c.refilledUs) return;
  c.tokens = std::min(config_.sessionBurst,
                      c.tokens + static_cast<double>(nowUs - c.refilledUs) / 1e6 * config_.sessionsPerSecond);
  c.refilledUs = nowUs;
}

SessionLimits::Client& SessionLimits::client(std::string_view ip, int64_t nowUs) {
  const std::string key(ip);
  if (auto it = byIp_.find(key); it != byIp_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second;
  }
  // Forget the least recently seen address without pending sessions (its bucket would be
  // full again by now, or nearly).
  while (byIp_.size() >= config_.maxAddresses && !lru_.empty()) {
    auto victim = std::prev(lru_.end());
    for (; victim != lru_.begin() && byIp_[*victim].pending > 0; --victim) {
    }
    if (byIp_[*victim].pending > 0) break;
    byIp_.erase(*victim);
    lru_.erase(victim);
  }
  lru_.push_front(key);
  Client& c = byIp_[key];
  c.tokens = config_.sessionBurst;
  c.refilledUs = nowUs;
  c.lru = lru_.begin();
  return c;
}

SessionLimits::Verdict SessionLimits::admit(std::string_view ip, const std::string& id, int64_t nowUs) {
  Client& c = client(ip, nowUs);
  refill(c, nowUs);
  if (c.pending >= config_.maxPendingPerIp) {
    ++refused_;
    return Verdict::kTooManyPending;
  }
  if (c.tokens < 1.0) {
    ++refused_;
    return Verdict::kRateLimited;
  }
  c.tokens -= 1.0;
  ++c.pending;
  pendingIp_[id] = std::string(ip);
  return Verdict::kAdmitted;
}

void SessionLimits::settled(const std::string& id) {
  auto it = pendingIp_.find(id);
  if (it == pendingIp_.end()) return;
  if (auto c = byIp_.find(it->second); c != byIp_.end() && c->second.pending > 0) --c->second.pending;
  pendingIp_.erase(it);
}

int SessionLimits::retryAfterSeconds(std::string_view ip, int64_t nowUs) const {
  auto it = byIp_.find(std::string(ip));
  if (it == byIp_.end() || config_.sessionsPerSecond <= 0) return 1;
  Client c = it->second;
  refill(c, nowUs);
  const double missing = std::max(0.0, 1.0 - c.tokens);
  return std::max(1, static_cast<int>(std::ceil(missing / config_.sessionsPerSecond)));
}

}  // namespace rtcgate::api
