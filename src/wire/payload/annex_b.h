#pragma once
// AnnexBReader: walks the NAL units of an H.264/H.265 Annex B byte stream (ITU-T H.264
// Annex B): the one walker every payload format, FLV path and codec wrapper uses.

#include <cstddef>
#include <cstdint>
#include <span>

namespace rtcgate::wire::payload {

// Yields each NAL unit of an Annex B buffer (3- or 4-byte start codes) with its start code
// stripped, without allocating. Zero bytes before a start code (the leading zero of a
// 4-byte start code, trailing_zero_8bits) are not part of the NAL unit; bytes before the
// first start code and empty units are skipped. Copyable, so a caller can look ahead.
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

}  // namespace rtcgate::wire::payload
