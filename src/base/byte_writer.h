#pragma once
// ByteWriter: bounds-checked big-endian writes into a caller-owned byte span.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "base/byte_reader.h"

namespace rtcgate {

// Writes past the end are refused and latch `overflowed()`, so a serializer can write all
// fields and check once at the end.
class ByteWriter {
 public:
  explicit ByteWriter(std::span<uint8_t> out) noexcept : out_(out) {}

  size_t size() const noexcept { return pos_; }
  size_t remaining() const noexcept { return out_.size() - pos_; }
  bool overflowed() const noexcept { return overflow_; }
  std::span<uint8_t> written() const noexcept { return out_.first(pos_); }
  uint8_t* at(size_t offset) noexcept { return out_.data() + offset; }

  bool writeU8(uint8_t v) noexcept {
    if (!reserve(1)) return false;
    out_[pos_++] = v;
    return true;
  }
  bool writeU16(uint16_t v) noexcept {
    if (!reserve(2)) return false;
    storeU16(&out_[pos_], v);
    pos_ += 2;
    return true;
  }
  bool writeU24(uint32_t v) noexcept {
    if (!reserve(3)) return false;
    storeU24(&out_[pos_], v);
    pos_ += 3;
    return true;
  }
  bool writeU32(uint32_t v) noexcept {
    if (!reserve(4)) return false;
    storeU32(&out_[pos_], v);
    pos_ += 4;
    return true;
  }
  bool writeU64(uint64_t v) noexcept {
    return writeU32(static_cast<uint32_t>(v >> 32)) && writeU32(static_cast<uint32_t>(v));
  }
  bool writeBytes(std::span<const uint8_t> bytes) noexcept {
    if (!reserve(bytes.size())) return false;
    if (!bytes.empty()) std::memcpy(&out_[pos_], bytes.data(), bytes.size());
    pos_ += bytes.size();
    return true;
  }
  bool writeZeros(size_t n) noexcept {
    if (!reserve(n)) return false;
    if (n) std::memset(&out_[pos_], 0, n);
    pos_ += n;
    return true;
  }

 private:
  bool reserve(size_t n) noexcept {
    if (overflow_ || remaining() < n) {
      overflow_ = true;
      return false;
    }
    return true;
  }
  std::span<uint8_t> out_;
  size_t pos_ = 0;
  bool overflow_ = false;
};

}  // namespace rtcgate
