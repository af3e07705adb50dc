#pragma once
// StunMessage: an allocation-free view over one STUN message (RFC 8489 §5, §14).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/result.h"
#include "base/socket_address.h"
#include "wire/stun/stun_types.h"

namespace rtcgate::wire::stun {

// One attribute as found on the wire: its type and its value without padding.
struct StunAttribute {
  uint16_t type = 0;
  std::span<const uint8_t> value;
};

// ERROR-CODE value (RFC 8489 §14.8): class*100+number and the reason phrase.
struct StunErrorCode {
  uint16_t code = 0;
  std::string_view reason;
};

// Walks the attributes of a parsed message in wire order (RFC 8489 §14 TLV with padding).
class AttributeIterator {
 public:
  explicit AttributeIterator(std::span<const uint8_t> body) noexcept : body_(body) {}
  // Fills `out` with the next attribute; false at the end.
  bool next(StunAttribute& out) noexcept;

 private:
  std::span<const uint8_t> body_;
  size_t pos_ = 0;
};

// A validated STUN message. parse() checks the header, walks every attribute once, checks
// the lengths of all the attributes it knows, and remembers where each first occurs, so the
// typed accessors below are O(1) and cannot fail on a malformed value. Attributes after
// MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored
// (RFC 8489 §14.5); anything after FINGERPRINT makes the message malformed (§14.7).
class StunMessage {
 public:
  static constexpr size_t kMaxUnknown = 8;

  // RFC 8489 §5 and §6.3: a whole datagram, header length must match the span exactly.
  static Result<StunMessage> parse(std::span<const uint8_t> data) noexcept;

  uint16_t messageType() const noexcept { return loadU16At(0); }
  uint16_t method() const noexcept { return methodOf(messageType()); }
  StunClass messageClass() const noexcept { return classOf(messageType()); }
  bool isBindingRequest() const noexcept {
    return method() == static_cast<uint16_t>(StunMethod::kBinding) && messageClass() == StunClass::kRequest;
  }
  std::span<const uint8_t, kTransactionIdSize> transactionId() const noexcept {
    return data_.subspan<8, kTransactionIdSize>();
  }
  TransactionId transactionIdCopy() const noexcept;
  std::span<const uint8_t> bytes() const noexcept { return data_; }
  AttributeIterator attributes() const noexcept { return AttributeIterator(data_.subspan(kHeaderSize)); }

  // First attribute of `type` (any type, known or not); nullopt if absent.
  std::optional<StunAttribute> find(uint16_t type) const noexcept;
  bool has(AttributeType type) const noexcept { return offsetOf(type) != 0; }

  // Typed accessors (RFC 8489 §14, RFC 8445 §16.1). nullopt / empty when absent.
  std::optional<SocketAddress> mappedAddress() const noexcept;
  std::optional<SocketAddress> xorMappedAddress() const noexcept;
  std::optional<std::string_view> username() const noexcept { return text(AttributeType::kUsername); }
  std::optional<std::string_view> software() const noexcept { return text(AttributeType::kSoftware); }
  std::optional<std::string_view> realm() const noexcept { return text(AttributeType::kRealm); }
  std::optional<std::string_view> nonce() const noexcept { return text(AttributeType::kNonce); }
  std::optional<StunErrorCode> errorCode() const noexcept;
  std::optional<uint32_t> priority() const noexcept;
  std::optional<uint64_t> iceControlled() const noexcept { return u64(AttributeType::kIceControlled); }
  std::optional<uint64_t> iceControlling() const noexcept { return u64(AttributeType::kIceControlling); }
  bool useCandidate() const noexcept { return has(AttributeType::kUseCandidate); }
  std::optional<uint32_t> fingerprint() const noexcept;
  std::span<const uint8_t> messageIntegrity() const noexcept {
    return value(AttributeType::kMessageIntegrity);
  }
  std::span<const uint8_t> messageIntegritySha256() const noexcept {
    return value(AttributeType::kMessageIntegritySha256);
  }
  // TURN attributes (RFC 8656 §18). XOR-PEER-ADDRESS may repeat (CreatePermission): the
  // accessor gives the first; walk attributes() with xorAddressValue() for the others.
  std::optional<uint16_t> channelNumber() const noexcept;
  std::optional<uint32_t> lifetime() const noexcept { return u32(AttributeType::kLifetime); }
  std::optional<SocketAddress> xorPeerAddress() const noexcept { return address(AttributeType::kXorPeerAddress, true); }
  std::optional<SocketAddress> xorRelayedAddress() const noexcept {
    return address(AttributeType::kXorRelayedAddress, true);
  }
  std::optional<std::span<const uint8_t>> data() const noexcept;
  // The protocol number of REQUESTED-TRANSPORT (17 = UDP).
  std::optional<uint8_t> requestedTransport() const noexcept;
  // The family byte of REQUESTED-ADDRESS-FAMILY (0x01 IPv4, 0x02 IPv6).
  std::optional<uint8_t> requestedAddressFamily() const noexcept;
  bool dontFragment() const noexcept { return has(AttributeType::kDontFragment); }
  // Decodes one XOR-*-ADDRESS value of this message (its transaction id unmasks IPv6);
  // nullopt when the value is not a valid address.
  std::optional<SocketAddress> xorAddressValue(std::span<const uint8_t> value) const noexcept;

  // UNKNOWN-ATTRIBUTES (RFC 8489 §14.9) of an error response: number of types and each one.
  size_t unknownAttributesCount() const noexcept {
    return value(AttributeType::kUnknownAttributes).size() / 2;
  }
  uint16_t unknownAttributeAt(size_t i) const noexcept;

  // Offsets of the attribute headers the integrity checks need (0 when absent).
  size_t messageIntegrityOffset() const noexcept { return headerOffsetOf(AttributeType::kMessageIntegrity); }
  size_t fingerprintOffset() const noexcept { return headerOffsetOf(AttributeType::kFingerprint); }

  // Comprehension-required attributes this codec does not know, for a 420 answer (§6.3.1).
  std::span<const uint16_t> unknownRequired() const noexcept { return {unknown_.data(), unknownCount_}; }

 private:
  // Indexes of the attributes whose positions parse() records.
  enum class Slot : uint8_t {
    kMapped,
    kXorMapped,
    kUsername,
    kIntegrity,
    kIntegrity256,
    kErrorCode,
    kUnknownAttrs,
    kSoftware,
    kRealm,
    kNonce,
    kPriority,
    kUseCandidate,
    kControlled,
    kControlling,
    kFingerprint,
    kChannelNumber,
    kLifetime,
    kXorPeer,
    kData,
    kXorRelayed,
    kRequestedTransport,
    kRequestedFamily,
    kDontFragment,
    kCount,
  };
  static std::optional<Slot> slotOf(uint16_t type) noexcept;
  static bool validLength(uint16_t type, std::span<const uint8_t> v) noexcept;
  bool record(uint16_t type, size_t valueOffset, size_t length) noexcept;

  uint16_t loadU16At(size_t off) const noexcept;
  size_t offsetOf(AttributeType type) const noexcept;
  size_t headerOffsetOf(AttributeType type) const noexcept;
  std::span<const uint8_t> value(AttributeType type) const noexcept;
  std::optional<std::string_view> text(AttributeType type) const noexcept;
  std::optional<uint64_t> u64(AttributeType type) const noexcept;
  std::optional<uint32_t> u32(AttributeType type) const noexcept;
  std::optional<SocketAddress> address(AttributeType type, bool xored) const noexcept;
  SocketAddress decodeAddress(std::span<const uint8_t> v, bool xored) const noexcept;

  std::span<const uint8_t> data_;
  // Value offset and length per slot; offset 0 means absent (values start at >= 24).
  std::array<uint32_t, static_cast<size_t>(Slot::kCount)> offset_{};
  std::array<uint32_t, static_cast<size_t>(Slot::kCount)> length_{};
  std::array<uint16_t, kMaxUnknown> unknown_{};
  size_t unknownCount_ = 0;
};

}  // namespace rtcgate::wire::stun
