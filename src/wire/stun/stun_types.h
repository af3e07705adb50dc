#pragma once
// STUN constants and small value types shared by the parser, builder and ICE (RFC 8489).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtcgate::wire::stun {

inline constexpr uint32_t kMagicCookie = 0x2112A442;  // RFC 8489 §5
inline constexpr size_t kHeaderSize = 20;
inline constexpr size_t kTransactionIdSize = 12;
inline constexpr size_t kHmacSha1Size = 20;
inline constexpr uint32_t kFingerprintXor = 0x5354554E;  // RFC 8489 §14.7
inline constexpr size_t kMaxUsernameSize = 513;          // RFC 8489 §14.3

// The 96-bit transaction id of a STUN message (RFC 8489 §5).
using TransactionId = std::array<uint8_t, kTransactionIdSize>;

// The class bits C1 C0 of a message type (RFC 8489 §5).
enum class StunClass : uint8_t { kRequest = 0, kIndication = 1, kSuccess = 2, kError = 3 };

// STUN methods rtcgate speaks: Binding (RFC 8489) for ICE, and the TURN methods of the
// built-in relay (RFC 8656 §18).
enum class StunMethod : uint16_t {
  kBinding = 0x001,
  kAllocate = 0x003,
  kRefresh = 0x004,
  kSend = 0x006,
  kData = 0x007,
  kCreatePermission = 0x008,
  kChannelBind = 0x009,
};

// Attribute types (RFC 8489 §18.3, RFC 8445 §16.1, RFC 8656 §18, plus vendor ones browsers send).
enum class AttributeType : uint16_t {
  kMappedAddress = 0x0001,
  kUsername = 0x0006,
  kMessageIntegrity = 0x0008,
  kErrorCode = 0x0009,
  kUnknownAttributes = 0x000A,
  kChannelNumber = 0x000C,       // RFC 8656 §18.1
  kLifetime = 0x000D,            // §18.2
  kXorPeerAddress = 0x0012,      // §18.3
  kData = 0x0013,                // §18.4
  kRealm = 0x0014,
  kNonce = 0x0015,
  kXorRelayedAddress = 0x0016,   // §18.5
  kRequestedAddressFamily = 0x0017,  // §18.6
  kEvenPort = 0x0018,            // §18.7 (not supported: answered 420)
  kRequestedTransport = 0x0019,  // §18.8
  kDontFragment = 0x001A,        // §18.9
  kMessageIntegritySha256 = 0x001C,
  kPasswordAlgorithm = 0x001D,
  kUserhash = 0x001E,
  kXorMappedAddress = 0x0020,
  kReservationToken = 0x0022,    // RFC 8656 §18.10 (not supported: answered 420)
  kPriority = 0x0024,
  kUseCandidate = 0x0025,
  kAdditionalAddressFamily = 0x8000,  // RFC 8656 §18.11
  kPasswordAlgorithms = 0x8002,
  kAlternateDomain = 0x8003,
  kSoftware = 0x8022,
  kAlternateServer = 0x8023,
  kFingerprint = 0x8028,
  kIceControlled = 0x8029,
  kIceControlling = 0x802A,
  kGoogNetworkInfo = 0xC057,  // Chromium: network id and cost, comprehension-optional
};

// Error codes rtcgate produces or reacts to (RFC 8489 §14.8, RFC 8445 §16.1, RFC 8656 §19).
enum class ErrorCode : uint16_t {
  kTryAlternate = 300,
  kBadRequest = 400,
  kUnauthorized = 401,
  kForbidden = 403,
  kUnknownAttribute = 420,
  kAllocationMismatch = 437,
  kStaleNonce = 438,
  kAddressFamilyNotSupported = 440,
  kWrongCredentials = 441,
  kUnsupportedTransportProtocol = 442,
  kPeerAddressFamilyMismatch = 443,
  kAllocationQuotaReached = 486,
  kRoleConflict = 487,
  kServerError = 500,
  kInsufficientCapacity = 508,
};

// RFC 8489 §14: types 0x0000-0x7FFF must be understood by the receiver.
constexpr bool isComprehensionRequired(uint16_t type) noexcept {
  return type < 0x8000;
}

// Message type field from method and class (RFC 8489 §5, figure 3 bit layout).
constexpr uint16_t makeMessageType(uint16_t method, StunClass cls) noexcept {
  const uint16_t c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
                               ((c & 0x1) << 4) | ((c & 0x2) << 7));
}
constexpr uint16_t methodOf(uint16_t type) noexcept {
  return static_cast<uint16_t>((type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80));
}
constexpr StunClass classOf(uint16_t type) noexcept {
  return static_cast<StunClass>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
}

// Default reason phrases for the error codes above (RFC 8489 §14.8).
constexpr std::string_view errorReasonPhrase(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kTryAlternate:
      return "Try Alternate";
    case ErrorCode::kBadRequest:
      return "Bad Request";
    case ErrorCode::kUnauthorized:
      return "Unauthorized";
    case ErrorCode::kUnknownAttribute:
      return "Unknown Attribute";
    case ErrorCode::kStaleNonce:
      return "Stale Nonce";
    case ErrorCode::kRoleConflict:
      return "Role Conflict";
    case ErrorCode::kServerError:
      return "Server Error";
    case ErrorCode::kForbidden:
      return "Forbidden";
    case ErrorCode::kAllocationMismatch:
      return "Allocation Mismatch";
    case ErrorCode::kAddressFamilyNotSupported:
      return "Address Family not Supported";
    case ErrorCode::kWrongCredentials:
      return "Wrong Credentials";
    case ErrorCode::kUnsupportedTransportProtocol:
      return "Unsupported Transport Protocol";
    case ErrorCode::kPeerAddressFamilyMismatch:
      return "Peer Address Family Mismatch";
    case ErrorCode::kAllocationQuotaReached:
      return "Allocation Quota Reached";
    case ErrorCode::kInsufficientCapacity:
      return "Insufficient Capacity";
  }
  return "Error";
}

}  // namespace rtcgate::wire::stun
