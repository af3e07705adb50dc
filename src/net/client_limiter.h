#pragma once
// ClientLimiter: per-client-address admission of new TCP connections — a token bucket for
// the rate of new connections and a cap on the ones open at once — so one address cannot
// take the listener's whole connection budget.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "base/clock.h"
#include "base/socket_address.h"

namespace rtcgate::net {

// Per-address limits. IPv6 clients are counted per /64 (one subscriber's usual share), IPv4
// per address.
struct ClientLimits {
  double connectionsPerSecond = 20;  // refill rate of the bucket
  double connectionBurst = 100;      // bucket size: new connections allowed at once
  size_t maxOpenPerClient = 256;     // connections open at once (WebSockets included)
  // Loopback clients (a local reverse proxy, tests, tools) are not limited.
  bool exemptLoopback = true;
  // Addresses tracked at once; past it idle entries are dropped and, if none is idle, new
  // clients are refused (the table is itself a resource clients make us hold).
  size_t maxTrackedClients = 65536;
};

class ClientLimiter;

// One admitted connection of a client: holds its place in the per-client count until
// destroyed. Movable; it may outlive the limiter (the count it points at is shared).
class ClientSlot {
 public:
  ClientSlot() = default;
  ClientSlot(ClientSlot&& other) noexcept = default;
  ClientSlot& operator=(ClientSlot&& other) noexcept;
  ~ClientSlot() { release(); }

 private:
  friend class ClientLimiter;
  struct Entry;
  ClientSlot(std::shared_ptr<Entry> entry) : entry_(std::move(entry)) {}
  void release() noexcept;
  std::shared_ptr<Entry> entry_;
};

class ClientLimiter {
 public:
  enum class Verdict { kAdmit, kRateLimited, kTooManyOpen, kTableFull };

  ClientLimiter(ClientLimits limits, const Clock& clock) : limits_(limits), clock_(clock) {}

  // Decides on a new connection from `remote` (its port is ignored). On kAdmit, `slot`
  // holds one open connection of the client until it is destroyed.
  Verdict admit(const SocketAddress& remote, ClientSlot& slot);

  size_t trackedClients() const noexcept { return clients_.size(); }
  const ClientLimits& limits() const noexcept { return limits_; }

  // The address a client is counted under: the IPv4 address, or the /64 of an IPv6 one.
  static SocketAddress clientKey(const SocketAddress& remote);

 private:
  // Drops entries with no open connection and a full bucket (they hold no state that
  // matters); returns whether there is room for a new one.
  bool makeRoom(int64_t nowUs);
  // The tokens of `e` at `nowUs` (uncapped).
  double refilled(const ClientSlot::Entry& e, int64_t nowUs) const noexcept;

  ClientLimits limits_;
  const Clock& clock_;
  std::unordered_map<SocketAddress, std::shared_ptr<ClientSlot::Entry>, SocketAddressHash> clients_;
};

const char* verdictName(ClientLimiter::Verdict v) noexcept;

}  // namespace rtcgate::net
