#pragma once
// H.264/H.265 NAL unit streams in Annex B (start codes, ITU-T H.264 Annex B) and AVCC
// (length-prefixed, ISO/IEC 14496-15 §5.3.4.2) form, as FLV coded frames carry them.

#include <cstdint>
#include <span>

#include "base/result.h"
#include "wire/payload/annex_b.h"

namespace rtcgate::wire::rtmp {

// Walks the NAL units of an AVCC payload with `lengthSize`-byte big-endian prefixes.
class AvccIterator {
 public:
  AvccIterator(std::span<const uint8_t> payload, uint8_t lengthSize) noexcept
      : data_(payload), lengthSize_(lengthSize) {}
  // Next NAL unit; Ok(false) at the end; an error when a length runs past the end.
  Result<bool> next(std::span<const uint8_t>& nal) noexcept;

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  uint8_t lengthSize_;
};

// Bytes annexBToAvcc writes for `stream` with 4-byte lengths.
size_t avccSizeOfAnnexB(std::span<const uint8_t> stream) noexcept;
// Annex B → AVCC with 4-byte lengths; returns bytes written.
Result<size_t> annexBToAvcc(std::span<const uint8_t> stream, std::span<uint8_t> out) noexcept;
// AVCC → Annex B with 4-byte start codes; returns bytes written (needs at most
// payload.size() + 3 * NAL count bytes, i.e. payload.size() * 4 is always enough).
Result<size_t> avccToAnnexB(std::span<const uint8_t> payload, uint8_t lengthSize,
                            std::span<uint8_t> out) noexcept;

}  // namespace rtcgate::wire::rtmp
