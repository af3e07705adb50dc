#pragma once
// RtpPacketBuilder: serializes an RTP packet from fields into a caller-owned buffer.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rtp {

// Describes one outgoing RTP packet; spans are borrowed until serializeTo() returns.
class RtpPacketBuilder {
 public:
  static constexpr size_t kMaxCsrcs = 15;
  static constexpr size_t kMaxExtensions = 16;

  RtpPacketBuilder& setMarker(bool m) noexcept {
    marker_ = m;
    return *this;
  }
  RtpPacketBuilder& setPayloadType(uint8_t pt) noexcept {
    pt_ = pt;
    return *this;
  }
  RtpPacketBuilder& setSequenceNumber(uint16_t s) noexcept {
    seq_ = s;
    return *this;
  }
  RtpPacketBuilder& setTimestamp(uint32_t ts) noexcept {
    ts_ = ts;
    return *this;
  }
  RtpPacketBuilder& setSsrc(uint32_t ssrc) noexcept {
    ssrc_ = ssrc;
    return *this;
  }
  RtpPacketBuilder& setPayload(std::span<const uint8_t> p) noexcept {
    payload_ = p;
    return *this;
  }
  // RFC 3550 §5.1: 0 for none, else 1..255 bytes appended (last byte holds the count).
  RtpPacketBuilder& setPadding(uint8_t bytes) noexcept {
    padding_ = bytes;
    return *this;
  }
  // False when the list is full.
  bool addCsrc(uint32_t csrc) noexcept;
  // RFC 8285: id 1..255, value 0..255 bytes. False when full or out of range.
  bool addExtension(uint8_t id, std::span<const uint8_t> value) noexcept;

  // RFC 8285 §4.2 one-byte form when every id is 1..14 and every value 1..16 bytes,
  // otherwise §4.3 two-byte form.
  bool usesOneByteForm() const noexcept;
  size_t size() const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;

 private:
  struct Ext {
    uint8_t id = 0;
    std::span<const uint8_t> value;
  };
  size_t extensionBlockSize() const noexcept;  // elements + alignment padding, no header

  std::array<uint32_t, kMaxCsrcs> csrcs_{};
  std::array<Ext, kMaxExtensions> exts_{};
  std::span<const uint8_t> payload_;
  uint32_t ts_ = 0;
  uint32_t ssrc_ = 0;
  uint16_t seq_ = 0;
  uint8_t pt_ = 0;
  uint8_t csrcCount_ = 0;
  uint8_t extCount_ = 0;
  uint8_t padding_ = 0;
  bool marker_ = false;
};

}  // namespace rtcgate::wire::rtp
