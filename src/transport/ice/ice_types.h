#pragma once
// Shared ICE vocabulary: states, credentials, the listener both agents report to, drop counts.

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "base/socket_address.h"

namespace rtcgate::transport::ice {

// "No timer armed" value of nextTimeoutUs().
inline constexpr int64_t kNoTimeout = std::numeric_limits<int64_t>::max();

// Agent lifecycle (a reduced RFC 8445 §6.1.3 / W3C RTCIceConnectionState).
enum class IceState : uint8_t { kNew, kChecking, kConnected, kFailed, kClosed };
std::string_view iceStateName(IceState s) noexcept;

// One side's ice-ufrag / ice-pwd (RFC 8839 §5.4).
struct IceCredentials {
  std::string ufrag;
  std::string pwd;
  // Fresh random credentials: 8-char ufrag, 24-char pwd (RFC 8445 §5.3 asks for >= 4 / >= 22).
  static IceCredentials generate();
};

// What an agent tells its owner: bytes to send, state changes and the selected peer address.
class IceListener {
 public:
  virtual ~IceListener() = default;
  virtual void onIceSend(std::span<const uint8_t> data, const SocketAddress& to) = 0;
  // `reason` is a static string.
  virtual void onIceStateChanged(IceState state, std::string_view reason) = 0;
  virtual void onIceSelected(const SocketAddress& remote) = 0;
};

// Why an agent refused or dropped an incoming datagram (error responses included).
enum class IceDropReason : uint8_t {
  kMalformed,          // not a parsable STUN message
  kBadFingerprint,     // FINGERPRINT missing or wrong: silently dropped
  kUnexpectedMessage,  // a class/method this agent does not accept here
  kBadRequest,         // answered 400 (no USERNAME / MESSAGE-INTEGRITY / PRIORITY)
  kUnknownUsername,    // answered 401: USERNAME names no credentials we hold
  kBadIntegrity,       // answered 401 / response dropped: MESSAGE-INTEGRITY mismatch
  kUnknownAttribute,   // answered 420
  kRoleConflict,       // answered 487
  kStaleTransaction,   // response to no outstanding transaction
  kWrongSource,        // response not from the address the request went to
  kInactive,           // agent failed or closed
  kCount,
};
std::string_view iceDropReasonName(IceDropReason r) noexcept;

// Per-agent counters of IceDropReason, exported as metrics by the owner.
class IceDropCounters {
 public:
  void count(IceDropReason r) noexcept { ++counts_[static_cast<size_t>(r)]; }
  uint64_t get(IceDropReason r) const noexcept { return counts_[static_cast<size_t>(r)]; }
  uint64_t total() const noexcept {
    uint64_t t = 0;
    for (const auto c : counts_) t += c;
    return t;
  }

 private:
  std::array<uint64_t, static_cast<size_t>(IceDropReason::kCount)> counts_{};
};

}  // namespace rtcgate::transport::ice
