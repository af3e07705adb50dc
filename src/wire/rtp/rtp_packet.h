#pragma once
// RtpPacketView: a parsed, allocation-free view over one RTP packet (RFC 3550 §5.1).

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rtp {

inline constexpr size_t kFixedHeaderSize = 12;
inline constexpr uint16_t kOneByteProfile = 0xBEDE;  // RFC 8285 §4.2
inline constexpr uint16_t kTwoByteProfile = 0x1000;  // RFC 8285 §4.3 (0x100X)
inline constexpr uint16_t kTwoByteProfileMask = 0xFFF0;

// Which header-extension form a packet uses (RFC 8285 §4).
enum class ExtensionForm : uint8_t { kNone, kOneByte, kTwoByte, kOther };

// One header extension element found while walking the extension block.
struct ExtensionElement {
  uint8_t id = 0;
  std::span<const uint8_t> value;
  size_t offset = 0;  // of the value, from the start of the packet
};

// Walks the elements of an RFC 8285 extension block without allocating.
class ExtensionIterator {
 public:
  ExtensionIterator(std::span<const uint8_t> block, ExtensionForm form, size_t blockOffset) noexcept
      : block_(block), form_(form), base_(blockOffset) {}
  // Next element; false at the end or on a malformed element (then `malformed()`).
  bool next(ExtensionElement& out) noexcept;
  bool malformed() const noexcept { return malformed_; }

 private:
  std::span<const uint8_t> block_;
  ExtensionForm form_;
  size_t base_;
  size_t pos_ = 0;
  bool malformed_ = false;
};

// A validated RTP packet. Every span points into the parsed buffer, which must outlive it.
class RtpPacketView {
 public:
  // RFC 3550 §5.1 fixed header, CSRC list, §5.3.1 extension and padding; RFC 8285 §4
  // extension elements are validated here so findExtension() cannot fail later.
  static Result<RtpPacketView> parse(std::span<const uint8_t> packet) noexcept;

  bool marker() const noexcept { return (data_[1] & 0x80) != 0; }
  uint8_t payloadType() const noexcept { return data_[1] & 0x7f; }
  uint16_t sequenceNumber() const noexcept;
  uint32_t timestamp() const noexcept;
  uint32_t ssrc() const noexcept;
  size_t csrcCount() const noexcept { return data_[0] & 0x0f; }
  uint32_t csrc(size_t i) const noexcept;  // i < csrcCount()
  bool hasExtension() const noexcept { return (data_[0] & 0x10) != 0; }

  ExtensionForm extensionForm() const noexcept { return form_; }
  uint16_t extensionProfile() const noexcept { return profile_; }
  // The raw extension block after its 4-byte header (for kOther profiles too).
  std::span<const uint8_t> extensionBlock() const noexcept;
  ExtensionIterator extensions() const noexcept;
  // RFC 8285: the value of extension `id`, empty when absent (or when not RFC 8285).
  std::span<const uint8_t> findExtension(uint8_t id) const noexcept;

  std::span<const uint8_t> packet() const noexcept { return data_; }
  std::span<const uint8_t> payload() const noexcept;
  size_t headerSize() const noexcept { return headerSize_; }
  size_t paddingSize() const noexcept { return paddingSize_; }
  size_t payloadSize() const noexcept { return data_.size() - headerSize_ - paddingSize_; }

 private:
  std::span<const uint8_t> data_;
  size_t headerSize_ = 0;
  size_t paddingSize_ = 0;
  size_t extOffset_ = 0;  // start of the extension block's elements
  size_t extSize_ = 0;
  uint16_t profile_ = 0;
  ExtensionForm form_ = ExtensionForm::kNone;
};

}  // namespace rtcgate::wire::rtp
