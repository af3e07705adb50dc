#pragma once
// StunBuilder: serializes one STUN message into a caller-owned span (RFC 8489 §5, §14).

#include <cstdint>
#include <span>
#include <string_view>

#include "base/byte_writer.h"
#include "base/result.h"
#include "base/socket_address.h"
#include "wire/stun/integrity.h"
#include "wire/stun/stun_types.h"

namespace rtcgate::wire::stun {

// Appends attributes in call order and keeps the header length current, so
// MESSAGE-INTEGRITY and FINGERPRINT (added last, in that order) hash the right bytes.
// Failed adds (no space) latch; finish() reports them. No allocation.
class StunBuilder {
 public:
  StunBuilder(std::span<uint8_t> out, uint16_t method, StunClass cls,
              std::span<const uint8_t, kTransactionIdSize> tid) noexcept;

  // Padding byte value (RFC 8489 §14 lets senders choose; RFC 5769 vectors use spaces).
  void setPaddingByte(uint8_t b) noexcept { padding_ = b; }

  void addRaw(uint16_t type, std::span<const uint8_t> value) noexcept;
  void addString(AttributeType type, std::string_view text) noexcept;
  void addU32(AttributeType type, uint32_t v) noexcept;
  void addU64(AttributeType type, uint64_t v) noexcept;
  void addFlag(AttributeType type) noexcept { addRaw(static_cast<uint16_t>(type), {}); }

  void addUsername(std::string_view u) noexcept { addString(AttributeType::kUsername, u); }
  void addSoftware(std::string_view s) noexcept { addString(AttributeType::kSoftware, s); }
  void addPriority(uint32_t p) noexcept { addU32(AttributeType::kPriority, p); }
  void addIceControlling(uint64_t tieBreaker) noexcept { addU64(AttributeType::kIceControlling, tieBreaker); }
  void addIceControlled(uint64_t tieBreaker) noexcept { addU64(AttributeType::kIceControlled, tieBreaker); }
  void addUseCandidate() noexcept { addFlag(AttributeType::kUseCandidate); }
  void addMappedAddress(const SocketAddress& a) noexcept {
    addAddress(AttributeType::kMappedAddress, a, false);
  }
  void addXorMappedAddress(const SocketAddress& a) noexcept {
    addAddress(AttributeType::kXorMappedAddress, a, true);
  }
  // TURN attributes (RFC 8656 §18).
  void addXorPeerAddress(const SocketAddress& a) noexcept { addAddress(AttributeType::kXorPeerAddress, a, true); }
  void addXorRelayedAddress(const SocketAddress& a) noexcept {
    addAddress(AttributeType::kXorRelayedAddress, a, true);
  }
  void addLifetime(uint32_t seconds) noexcept { addU32(AttributeType::kLifetime, seconds); }
  // CHANNEL-NUMBER: the number in the top 16 bits, RFFU zero (§18.1).
  void addChannelNumber(uint16_t channel) noexcept { addU32(AttributeType::kChannelNumber, uint32_t{channel} << 16); }
  // REQUESTED-TRANSPORT: the protocol number in the top 8 bits (§18.8; 17 = UDP).
  void addRequestedTransport(uint8_t protocol) noexcept {
    addU32(AttributeType::kRequestedTransport, uint32_t{protocol} << 24);
  }
  void addData(std::span<const uint8_t> bytes) noexcept { addRaw(static_cast<uint16_t>(AttributeType::kData), bytes); }
  void addRealm(std::string_view r) noexcept { addString(AttributeType::kRealm, r); }
  void addNonce(std::string_view n) noexcept { addString(AttributeType::kNonce, n); }

  // ERROR-CODE (§14.8); an empty reason uses the standard phrase for `code`.
  void addErrorCode(uint16_t code, std::string_view reason = {}) noexcept;
  void addUnknownAttributes(std::span<const uint16_t> types) noexcept;

  // MESSAGE-INTEGRITY over everything added so far (§14.5).
  void addMessageIntegrity(IntegrityKey& key) noexcept;
  // FINGERPRINT over everything added so far (§14.7); must be the last attribute.
  void addFingerprint() noexcept;

  // The finished message, or kNoSpace / the HMAC error.
  Result<std::span<uint8_t>> finish() noexcept;

 private:
  void addAddress(AttributeType type, const SocketAddress& a, bool xored) noexcept;
  // Writes an attribute header and returns a pointer to its value (nullptr if it does not fit).
  uint8_t* beginAttribute(uint16_t type, size_t length) noexcept;
  void updateLength() noexcept;

  ByteWriter w_;
  uint8_t padding_ = 0;
  Error error_{};
  bool failed_ = false;
};

}  // namespace rtcgate::wire::stun
