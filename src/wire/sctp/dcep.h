#pragma once
// The Data Channel Establishment Protocol (RFC 8832): DATA_CHANNEL_OPEN and _ACK, and the
// payload protocol identifiers of WebRTC data channel messages (RFC 8831 §8).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace rtcgate::wire::sctp {

enum class Ppid : uint32_t {
  kDcep = 50,
  kString = 51,
  kBinaryPartial = 52,  // deprecated; still reassembled by old peers
  kBinary = 53,
  kStringPartial = 54,
  kStringEmpty = 56,
  kBinaryEmpty = 57,
};

enum class DcepType : uint8_t { kAck = 0x02, kOpen = 0x03 };

// RFC 8832 §5.1: how a channel delivers.
struct ChannelReliability {
  static constexpr uint8_t kReliable = 0x00, kRexmit = 0x01, kTimed = 0x02, kUnorderedBit = 0x80;
  uint8_t type = kReliable;
  uint32_t parameter = 0;  // retransmissions, or lifetime in ms
  bool ordered() const noexcept { return !(type & kUnorderedBit); }
  bool limitedRetransmits() const noexcept { return (type & 0x7F) == kRexmit; }
  bool limitedLifetime() const noexcept { return (type & 0x7F) == kTimed; }
};

struct DcepOpen {
  static constexpr size_t kMaxLabel = 1024;
  ChannelReliability reliability;
  uint16_t priority = 256;
  std::string_view label;     // a view into the parsed bytes
  std::string_view protocol;

  static Result<DcepOpen> parse(std::span<const uint8_t> message) noexcept;
  // The message bytes (control path: a channel opens once).
  std::vector<uint8_t> serialize() const;
};

// The first byte of a DCEP message, or an error for an empty or unknown one.
Result<DcepType> dcepTypeOf(std::span<const uint8_t> message) noexcept;

}  // namespace rtcgate::wire::sctp
