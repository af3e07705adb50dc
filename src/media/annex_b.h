#pragma once
// AnnexBReader: walks the NAL units of an H.264 Annex B byte stream (ITU-T H.264 Annex B).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rtcgate::media {

// Yields each NAL unit of an Annex B buffer with its start code stripped, without
// allocating. Zero bytes before a start code (the leading zero of a 4-byte start code,
// trailing_zero_8bits) are not part of the NAL unit; bytes before the first start code
// are ignored. Copyable, so a caller can look ahead.
class AnnexBReader {
 public:
  explicit AnnexBReader(std::span<const uint8_t> annexB) noexcept;

  // The next non-empty NAL unit; false at the end.
  bool next(std::span<const uint8_t>& nal) noexcept;
  bool atEnd() const noexcept;

 private:
  std::span<const uint8_t> data_;
  size_t pos_;  // first byte after a start code, or data_.size()
};

inline constexpr uint8_t kAnnexBStartCode[4] = {0, 0, 0, 1};

// H.264 NAL unit types (ITU-T H.264 Table 7-1) the payload formats care about.
inline constexpr uint8_t kNalIdr = 5;
inline constexpr uint8_t kNalSps = 7;
inline constexpr uint8_t kNalPps = 8;
inline constexpr uint8_t nalType(uint8_t header) noexcept {
  return header & 0x1f;
}

// Appends a 4-byte start code and `nal`.
void appendNal(std::vector<uint8_t>& out, std::span<const uint8_t> nal);
// The same NAL units re-emitted with 4-byte start codes, the form frames carry, so two
// encodings of one access unit compare byte-for-byte.
std::vector<uint8_t> normalizeAnnexB(std::span<const uint8_t> annexB);

}  // namespace rtcgate::media
