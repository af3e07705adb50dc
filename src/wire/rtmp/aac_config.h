#pragma once
// AudioSpecificConfig, the AAC sequence header of FLV/RTMP (ISO/IEC 14496-3 §1.6.2.1,
// referenced by FLV spec v10.1 Annex E.4.2.2).

#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rtmp {

// The fields of an AudioSpecificConfig a bridge needs (codec set-up, Opus transcoding).
struct AacConfig {
  uint8_t objectType = 2;       // 2 = AAC-LC, 5 = SBR, 29 = PS
  uint8_t sampleRateIndex = 4;  // 15 = explicit frequency
  uint32_t sampleRate = 44100;
  uint8_t channelConfig = 2;  // 0 = defined in the stream's PCE

  // Parses the leading fields; extension payloads after them are ignored.
  static Result<AacConfig> parse(std::span<const uint8_t> asc) noexcept;
  // The 2-byte (or 5-byte with an explicit rate) form; object types above 30 are refused.
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
  // Sampling frequency for an index (§1.6.3.4 table 1.18), 0 for reserved indexes.
  static uint32_t sampleRateForIndex(uint8_t index) noexcept;
};

}  // namespace rtcgate::wire::rtmp
