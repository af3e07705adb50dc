#pragma once
// H.264 Annex B helpers for frames: NAL types, start codes, normalizing (the walker itself
// is wire::payload::AnnexBReader).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/payload/annex_b.h"

namespace rtcgate::media {

// The one Annex B walker (wire/payload/annex_b.h).
using wire::payload::AnnexBReader;

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
