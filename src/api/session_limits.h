#pragma once
// SessionLimits: what one client address may make the gateway start — new sessions at a
// bounded rate (a token bucket per address) and a bounded number of sessions that never
// connected (pending). Keyed by address (IPv6 by /64); the table itself is bounded (idle
// addresses are forgotten first). On the control thread. (net::ClientLimiter does the
// same for new TCP connections.)

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/socket_address.h"

namespace rtcgate::api {

struct SessionLimitsConfig {
  double sessionsPerSecond = 5;  // sustained rate of new sessions per address
  double sessionBurst = 20;      // sessions an idle address may open at once
  size_t maxPendingPerIp = 20;   // sessions of an address not connected yet
  size_t maxAddresses = 65536;   // addresses remembered (the least recently seen go first)
  bool exemptLoopback = true;    // a local reverse proxy, tests and tools are not limited
};

// The key a client is counted under: its IPv4 address, or its IPv6 /64; empty for loopback
// when exempt, or an unknown address (not limited).
std::string sessionLimitKey(const SocketAddress& remote, bool exemptLoopback);

class SessionLimits {
 public:
  enum class Verdict : uint8_t { kAdmitted, kRateLimited, kTooManyPending };

  explicit SessionLimits(SessionLimitsConfig config = {}) : config_(config) {}

  // May `ip` start a session now? Admitted takes one token and counts `id` as pending
  // until settled().
  Verdict admit(std::string_view ip, const std::string& id, int64_t nowUs);
  // Session `id` connected, ended or was refused: no longer pending. Idempotent.
  void settled(const std::string& id);
  // Seconds until `ip` has a token again (for Retry-After), at least 1.
  int retryAfterSeconds(std::string_view ip, int64_t nowUs) const;

  size_t addresses() const noexcept { return byIp_.size(); }
  size_t pending() const noexcept { return pendingIp_.size(); }
  uint64_t refused() const noexcept { return refused_; }
  const SessionLimitsConfig& config() const noexcept { return config_; }

 private:
  struct Client {
    double tokens = 0;
    int64_t refilledUs = 0;
    size_t pending = 0;
    std::list<std::string>::iterator lru;
  };
  Client& client(std::string_view ip, int64_t nowUs);
  void refill(Client& c, int64_t nowUs) const;

  SessionLimitsConfig config_;
  std::unordered_map<std::string, Client> byIp_;
  std::list<std::string> lru_;  // most recently seen first
  std::unordered_map<std::string, std::string> pendingIp_;  // session id -> address
  uint64_t refused_ = 0;
};

}  // namespace rtcgate::api
