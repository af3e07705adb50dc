#pragma once
// ByteReader: bounds-checked big-endian reads over a borrowed byte span (network order).

#include <cstddef>
#include <cstdint>
#include <span>

namespace rtcgate {

// Every read returns false (and leaves the output untouched) when the span is too short,
// so a parser checks once per field and never reads past the end.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) noexcept : data_(data) {}

  size_t remaining() const noexcept { return data_.size() - pos_; }
  size_t position() const noexcept { return pos_; }
  bool empty() const noexcept { return remaining() == 0; }
  std::span<const uint8_t> rest() const noexcept { return data_.subspan(pos_); }

  bool readU8(uint8_t& out) noexcept {
    if (remaining() < 1) return false;
    out = data_[pos_++];
    return true;
  }
  bool readU16(uint16_t& out) noexcept {
    if (remaining() < 2) return false;
    out = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool readU24(uint32_t& out) noexcept {
    if (remaining() < 3) return false;
    out = (uint32_t{data_[pos_]} << 16) | (uint32_t{data_[pos_ + 1]} << 8) | data_[pos_ + 2];
    pos_ += 3;
    return true;
  }
  bool readU32(uint32_t& out) noexcept {
    if (remaining() < 4) return false;
    out = (uint32_t{data_[pos_]} << 24) | (uint32_t{data_[pos_ + 1]} << 16) |
          (uint32_t{data_[pos_ + 2]} << 8) | data_[pos_ + 3];
    pos_ += 4;
    return true;
  }
  bool readU64(uint64_t& out) noexcept {
    uint32_t hi = 0;
    uint32_t lo = 0;
    if (remaining() < 8) return false;
    readU32(hi);
    readU32(lo);
    out = (uint64_t{hi} << 32) | lo;
    return true;
  }
  bool readBytes(size_t n, std::span<const uint8_t>& out) noexcept {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

// Free helpers for fixed offsets (caller has checked the length).
inline uint16_t loadU16(const uint8_t* p) noexcept { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t loadU24(const uint8_t* p) noexcept {
  return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
}
inline uint32_t loadU32(const uint8_t* p) noexcept {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline void storeU16(uint8_t* p, uint16_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void storeU24(uint8_t* p, uint32_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 16);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v);
}
inline void storeU32(uint8_t* p, uint32_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace rtcgate
