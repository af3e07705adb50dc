#include "wire/stun/message.h"

#include <algorithm>

#include "base/byte_reader.h"

namespace rtcgate::wire::stun {
namespace {

constexpr size_t kAttrHeaderSize = 4;

constexpr size_t padded(size_t n) noexcept {
  return (n + 3) & ~size_t{3};
}

std::string_view asText(std::span<const uint8_t> v) noexcept {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
}

// Address value (RFC 8489 §14.1/§14.2): reserved byte, family, port, 4 or 16 address bytes.
bool validAddress(std::span<const uint8_t> v) noexcept {
  if (v.size() < 4) return false;
  if (v[1] == 0x01) return v.size() == 8;
  if (v[1] == 0x02) return v.size() == 20;
  return false;
}

}  // namespace

bool AttributeIterator::next(StunAttribute& out) noexcept {
  if (body_.size() - pos_ < kAttrHeaderSize) return false;
  const uint16_t type = loadU16(body_.data() + pos_);
  const size_t len = loadU16(body_.data() + pos_ + 2);
  if (body_.size() - pos_ - kAttrHeaderSize < len) return false;
  out.type = type;
  out.value = body_.subspan(pos_ + kAttrHeaderSize, len);
  pos_ = std::min(body_.size(), pos_ + kAttrHeaderSize + padded(len));
  return true;
}

std::optional<StunMessage::Slot> StunMessage::slotOf(uint16_t type) noexcept {
  switch (static_cast<AttributeType>(type)) {
    case AttributeType::kMappedAddress:
      return Slot::kMapped;
    case AttributeType::kXorMappedAddress:
      return Slot::kXorMapped;
    case AttributeType::kUsername:
      return Slot::kUsername;
    case AttributeType::kMessageIntegrity:
      return Slot::kIntegrity;
    case AttributeType::kMessageIntegritySha256:
      return Slot::kIntegrity256;
    case AttributeType::kErrorCode:
      return Slot::kErrorCode;
    case AttributeType::kUnknownAttributes:
      return Slot::kUnknownAttrs;
    case AttributeType::kSoftware:
      return Slot::kSoftware;
    case AttributeType::kRealm:
      return Slot::kRealm;
    case AttributeType::kNonce:
      return Slot::kNonce;
    case AttributeType::kPriority:
      return Slot::kPriority;
    case AttributeType::kUseCandidate:
      return Slot::kUseCandidate;
    case AttributeType::kIceControlled:
      return Slot::kControlled;
    case AttributeType::kIceControlling:
      return Slot::kControlling;
    case AttributeType::kFingerprint:
      return Slot::kFingerprint;
    case AttributeType::kChannelNumber:
      return Slot::kChannelNumber;
    case AttributeType::kLifetime:
      return Slot::kLifetime;
    case AttributeType::kXorPeerAddress:
      return Slot::kXorPeer;
    case AttributeType::kData:
      return Slot::kData;
    case AttributeType::kXorRelayedAddress:
      return Slot::kXorRelayed;
    case AttributeType::kRequestedTransport:
      return Slot::kRequestedTransport;
    case AttributeType::kRequestedAddressFamily:
      return Slot::kRequestedFamily;
    case AttributeType::kDontFragment:
      return Slot::kDontFragment;
    default:
      return std::nullopt;
  }
}

// Length rules of RFC 8489 §14 and RFC 8445 §16.1 for the attributes we interpret.
bool StunMessage::validLength(uint16_t type, std::span<const uint8_t> v) noexcept {
  switch (static_cast<AttributeType>(type)) {
    case AttributeType::kMappedAddress:
    case AttributeType::kXorMappedAddress:
    case AttributeType::kXorPeerAddress:
    case AttributeType::kXorRelayedAddress:
      return validAddress(v);
    case AttributeType::kChannelNumber:        // RFC 8656 §18.1: number + RFFU
    case AttributeType::kLifetime:             // §18.2
    case AttributeType::kRequestedTransport:   // §18.8: protocol + RFFU
    case AttributeType::kRequestedAddressFamily:  // §18.6: family + reserved
      return v.size() == 4;
    case AttributeType::kDontFragment:  // §18.9
      return v.empty();
    case AttributeType::kUsername:
      return v.size() <= kMaxUsernameSize;
    case AttributeType::kMessageIntegrity:
      return v.size() == kHmacSha1Size;
    case AttributeType::kMessageIntegritySha256:
      return v.size() >= 16 && v.size() <= 32 && v.size() % 4 == 0;
    case AttributeType::kErrorCode:
      return v.size() >= 4 && v.size() <= 4 + 763;
    case AttributeType::kUnknownAttributes:
      return v.size() % 2 == 0;
    case AttributeType::kSoftware:
    case AttributeType::kRealm:
    case AttributeType::kNonce:
      return v.size() <= 763;  // §14.10-14.12: fewer than 128 characters, up to 763 bytes
    case AttributeType::kPriority:
    case AttributeType::kFingerprint:
      return v.size() == 4;
    case AttributeType::kUseCandidate:
      return v.empty();
    case AttributeType::kIceControlled:
    case AttributeType::kIceControlling:
      return v.size() == 8;
    default:
      return true;
  }
}

// Remembers the first occurrence of a known attribute, or an unknown required one.
bool StunMessage::record(uint16_t type, size_t valueOffset, size_t length) noexcept {
  const auto slot = slotOf(type);
  if (!slot) {
    if (isComprehensionRequired(type) && unknownCount_ < kMaxUnknown &&
        std::find(unknown_.begin(), unknown_.begin() + unknownCount_, type) ==
            unknown_.begin() + unknownCount_) {
      unknown_[unknownCount_++] = type;
    }
    return true;
  }
  if (!validLength(type, data_.subspan(valueOffset, length))) return false;
  const auto i = static_cast<size_t>(*slot);
  if (offset_[i] == 0) {
    offset_[i] = static_cast<uint32_t>(valueOffset);
    length_[i] = static_cast<uint32_t>(length);
  }
  return true;
}

Result<StunMessage> StunMessage::parse(std::span<const uint8_t> data) noexcept {
  if (data.size() < kHeaderSize) return Error::truncated("stun: shorter than header");
  if ((data[0] & 0xC0) != 0) return Error::malformed("stun: top two bits not zero");
  const size_t length = loadU16(data.data() + 2);
  if (length % 4 != 0) return Error::malformed("stun: length not a multiple of 4");
  if (loadU32(data.data() + 4) != kMagicCookie) return Error::malformed("stun: bad magic cookie");
  if (data.size() < kHeaderSize + length) return Error::truncated("stun: shorter than its length");
  if (data.size() > kHeaderSize + length) return Error::malformed("stun: trailing bytes");

  StunMessage m;
  m.data_ = data;
  size_t pos = kHeaderSize;
  bool afterIntegrity = false;
  bool afterFingerprint = false;
  while (pos < data.size()) {
    if (data.size() - pos < kAttrHeaderSize) return Error::truncated("stun: attribute header");
    const uint16_t type = loadU16(data.data() + pos);
    const size_t len = loadU16(data.data() + pos + 2);
    if (data.size() - pos - kAttrHeaderSize < padded(len)) return Error::truncated("stun: attribute value");
    if (afterFingerprint) return Error::malformed("stun: attribute after FINGERPRINT");
    const auto at = static_cast<AttributeType>(type);
    const bool trailer = at == AttributeType::kMessageIntegritySha256 || at == AttributeType::kFingerprint;
    if (!afterIntegrity || trailer) {
      if (!m.record(type, pos + kAttrHeaderSize, len)) return Error::malformed("stun: bad attribute length");
    }
    afterIntegrity = afterIntegrity || at == AttributeType::kMessageIntegrity;
    afterFingerprint = at == AttributeType::kFingerprint;
    pos += kAttrHeaderSize + padded(len);
  }
  return m;
}

TransactionId StunMessage::transactionIdCopy() const noexcept {
  TransactionId id{};
  std::copy_n(data_.begin() + 8, kTransactionIdSize, id.begin());
  return id;
}

std::optional<StunAttribute> StunMessage::find(uint16_t type) const noexcept {
  AttributeIterator it = attributes();
  StunAttribute a;
  while (it.next(a)) {
    if (a.type == type) return a;
  }
  return std::nullopt;
}

uint16_t StunMessage::loadU16At(size_t off) const noexcept {
  return loadU16(data_.data() + off);
}

size_t StunMessage::offsetOf(AttributeType type) const noexcept {
  const auto slot = slotOf(static_cast<uint16_t>(type));
  return slot ? offset_[static_cast<size_t>(*slot)] : 0;
}

size_t StunMessage::headerOffsetOf(AttributeType type) const noexcept {
  const size_t off = offsetOf(type);
  return off == 0 ? 0 : off - kAttrHeaderSize;
}

std::span<const uint8_t> StunMessage::value(AttributeType type) const noexcept {
  const auto slot = slotOf(static_cast<uint16_t>(type));
  if (!slot) return {};
  const auto i = static_cast<size_t>(*slot);
  if (offset_[i] == 0) return {};
  return data_.subspan(offset_[i], length_[i]);
}

std::optional<std::string_view> StunMessage::text(AttributeType type) const noexcept {
  if (!has(type)) return std::nullopt;
  return asText(value(type));
}

std::optional<uint64_t> StunMessage::u64(AttributeType type) const noexcept {
  if (!has(type)) return std::nullopt;
  const uint8_t* p = value(type).data();
  return (uint64_t{loadU32(p)} << 32) | loadU32(p + 4);
}

std::optional<uint32_t> StunMessage::u32(AttributeType type) const noexcept {
  if (!has(type)) return std::nullopt;
  return loadU32(value(type).data());
}

std::optional<uint16_t> StunMessage::channelNumber() const noexcept {
  if (!has(AttributeType::kChannelNumber)) return std::nullopt;
  return loadU16(value(AttributeType::kChannelNumber).data());
}

std::optional<std::span<const uint8_t>> StunMessage::data() const noexcept {
  if (!has(AttributeType::kData)) return std::nullopt;
  return value(AttributeType::kData);
}

std::optional<uint8_t> StunMessage::requestedTransport() const noexcept {
  if (!has(AttributeType::kRequestedTransport)) return std::nullopt;
  return value(AttributeType::kRequestedTransport)[0];
}

std::optional<uint8_t> StunMessage::requestedAddressFamily() const noexcept {
  if (!has(AttributeType::kRequestedAddressFamily)) return std::nullopt;
  return value(AttributeType::kRequestedAddressFamily)[0];
}

std::optional<uint32_t> StunMessage::priority() const noexcept {
  if (!has(AttributeType::kPriority)) return std::nullopt;
  return loadU32(value(AttributeType::kPriority).data());
}

std::optional<uint32_t> StunMessage::fingerprint() const noexcept {
  if (!has(AttributeType::kFingerprint)) return std::nullopt;
  return loadU32(value(AttributeType::kFingerprint).data());
}

// RFC 8489 §14.8: 21 reserved bits, 3-bit class, 8-bit number, then the reason phrase.
std::optional<StunErrorCode> StunMessage::errorCode() const noexcept {
  if (!has(AttributeType::kErrorCode)) return std::nullopt;
  const auto v = value(AttributeType::kErrorCode);
  const uint16_t code = static_cast<uint16_t>((v[2] & 0x07) * 100 + v[3]);
  return StunErrorCode{code, asText(v.subspan(4))};
}

uint16_t StunMessage::unknownAttributeAt(size_t i) const noexcept {
  const auto v = value(AttributeType::kUnknownAttributes);
  return i * 2 + 2 <= v.size() ? loadU16(v.data() + i * 2) : 0;
}

std::optional<SocketAddress> StunMessage::xorAddressValue(std::span<const uint8_t> v) const noexcept {
  if (!validAddress(v)) return std::nullopt;
  return decodeAddress(v, true);
}

std::optional<SocketAddress> StunMessage::address(AttributeType type, bool xored) const noexcept {
  if (!has(type)) return std::nullopt;
  return decodeAddress(value(type), xored);
}

// RFC 8489 §14.1 (plain) and §14.2 (XOR with the cookie, then cookie+transaction id for v6).
SocketAddress StunMessage::decodeAddress(std::span<const uint8_t> v, bool xored) const noexcept {
  uint16_t port = loadU16(v.data() + 2);
  if (xored) port ^= static_cast<uint16_t>(kMagicCookie >> 16);
  if (v[1] == 0x01) {
    uint32_t addr = loadU32(v.data() + 4);
    if (xored) addr ^= kMagicCookie;
    return SocketAddress::ipv4(addr, port);
  }
  uint8_t bytes[16];
  for (size_t i = 0; i < 16; ++i) bytes[i] = static_cast<uint8_t>(v[4 + i] ^ (xored ? data_[4 + i] : 0));
  return SocketAddress::ipv6(bytes, port);
}

std::optional<SocketAddress> StunMessage::mappedAddress() const noexcept {
  return address(AttributeType::kMappedAddress, false);
}

std::optional<SocketAddress> StunMessage::xorMappedAddress() const noexcept {
  return address(AttributeType::kXorMappedAddress, true);
}

}  // namespace rtcgate::wire::stun
