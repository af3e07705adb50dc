#include "wire/stun/builder.h"

#include <array>
#include <cstring>

namespace rtcgate::wire::stun {
namespace {
constexpr size_t padded(size_t n) noexcept {
  return (n + 3) & ~size_t{3};
}
}  // namespace

StunBuilder::StunBuilder(std::span<uint8_t> out, uint16_t method, StunClass cls,
                         std::span<const uint8_t, kTransactionIdSize> tid) noexcept
    : w_(out) {
  w_.writeU16(makeMessageType(method, cls));
  w_.writeU16(0);
  w_.writeU32(kMagicCookie);
  w_.writeBytes(tid);
}

void StunBuilder::updateLength() noexcept {
  if (w_.size() >= kHeaderSize) storeU16(w_.at(2), static_cast<uint16_t>(w_.size() - kHeaderSize));
}

uint8_t* StunBuilder::beginAttribute(uint16_t type, size_t length) noexcept {
  if (length > 0xFFFF || w_.remaining() < 4 + padded(length)) {
    w_.writeZeros(w_.remaining() + 1);  // latch overflow
    return nullptr;
  }
  w_.writeU16(type);
  w_.writeU16(static_cast<uint16_t>(length));
  uint8_t* value = w_.at(w_.size());
  w_.writeZeros(length);
  for (size_t i = length; i < padded(length); ++i) w_.writeU8(padding_);
  updateLength();
  return value;
}

void StunBuilder::addRaw(uint16_t type, std::span<const uint8_t> value) noexcept {
  uint8_t* p = beginAttribute(type, value.size());
  if (p != nullptr && !value.empty()) std::memcpy(p, value.data(), value.size());
}

void StunBuilder::addString(AttributeType type, std::string_view text) noexcept {
  addRaw(static_cast<uint16_t>(type), {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

void StunBuilder::addU32(AttributeType type, uint32_t v) noexcept {
  uint8_t* p = beginAttribute(static_cast<uint16_t>(type), 4);
  if (p != nullptr) storeU32(p, v);
}

void StunBuilder::addU64(AttributeType type, uint64_t v) noexcept {
  uint8_t* p = beginAttribute(static_cast<uint16_t>(type), 8);
  if (p == nullptr) return;
  storeU32(p, static_cast<uint32_t>(v >> 32));
  storeU32(p + 4, static_cast<uint32_t>(v));
}

// RFC 8489 §14.1/§14.2: the XOR variant hides the address from NATs that rewrite payloads.
void StunBuilder::addAddress(AttributeType type, const SocketAddress& a, bool xored) noexcept {
  const bool v6 = a.isIpv6();
  uint8_t* p = beginAttribute(static_cast<uint16_t>(type), v6 ? 20 : 8);
  if (p == nullptr) return;
  p[1] = v6 ? 0x02 : 0x01;
  storeU16(p + 2, static_cast<uint16_t>(a.port() ^ (xored ? kMagicCookie >> 16 : 0)));
  if (!v6) {
    storeU32(p + 4, a.ipv4Addr() ^ (xored ? kMagicCookie : 0));
    return;
  }
  const uint8_t* bytes = a.ipv6Bytes();
  for (size_t i = 0; i < 16; ++i) p[4 + i] = static_cast<uint8_t>(bytes[i] ^ (xored ? *w_.at(4 + i) : 0));
}

void StunBuilder::addErrorCode(uint16_t code, std::string_view reason) noexcept {
  if (reason.empty()) reason = errorReasonPhrase(static_cast<ErrorCode>(code));
  uint8_t* p = beginAttribute(static_cast<uint16_t>(AttributeType::kErrorCode), 4 + reason.size());
  if (p == nullptr) return;
  p[2] = static_cast<uint8_t>((code / 100) & 0x07);
  p[3] = static_cast<uint8_t>(code % 100);
  if (!reason.empty()) std::memcpy(p + 4, reason.data(), reason.size());
}

void StunBuilder::addUnknownAttributes(std::span<const uint16_t> types) noexcept {
  uint8_t* p = beginAttribute(static_cast<uint16_t>(AttributeType::kUnknownAttributes), types.size() * 2);
  if (p == nullptr) return;
  for (size_t i = 0; i < types.size(); ++i) storeU16(p + 2 * i, types[i]);
}

void StunBuilder::addMessageIntegrity(IntegrityKey& key) noexcept {
  const size_t attrOffset = w_.size();
  uint8_t* p = beginAttribute(static_cast<uint16_t>(AttributeType::kMessageIntegrity), kHmacSha1Size);
  if (p == nullptr) return;
  const auto st = computeMessageIntegrity(w_.written(), attrOffset, key,
                                          std::span<uint8_t, kHmacSha1Size>(p, kHmacSha1Size));
  if (!st.ok() && !failed_) {
    failed_ = true;
    error_ = st.error();
  }
}

void StunBuilder::addFingerprint() noexcept {
  const size_t attrOffset = w_.size();
  uint8_t* p = beginAttribute(static_cast<uint16_t>(AttributeType::kFingerprint), 4);
  if (p == nullptr) return;
  // The length field already counts FINGERPRINT, as §14.7 requires.
  storeU32(p, computeFingerprint(w_.written().first(attrOffset)));
}

Result<std::span<uint8_t>> StunBuilder::finish() noexcept {
  if (w_.overflowed()) return Error::noSpace("stun: message does not fit");
  if (failed_) return error_;
  return w_.written();
}

}  // namespace rtcgate::wire::stun
