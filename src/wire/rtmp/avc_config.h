#pragma once
// AVCDecoderConfigurationRecord, the H.264 sequence header of FLV/RTMP (ISO/IEC 14496-15
// §5.3.3.1, referenced by FLV spec v10.1 Annex E.4.3.1).

#include <array>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rtmp {

// View of an AVC sequence header: parameter sets borrow the input.
struct AvcConfig {
  static constexpr size_t kMaxParameterSets = 16;  // encoders send one of each in practice
  uint8_t profile = 0;
  uint8_t profileCompatibility = 0;
  uint8_t level = 0;
  uint8_t nalLengthSize = 4;  // 1, 2 or 4 bytes before each NAL unit in coded frames
  std::array<std::span<const uint8_t>, kMaxParameterSets> sps{};
  std::array<std::span<const uint8_t>, kMaxParameterSets> pps{};
  uint8_t spsCount = 0;
  uint8_t ppsCount = 0;

  std::span<const std::span<const uint8_t>> spsList() const noexcept { return {sps.data(), spsCount}; }
  std::span<const std::span<const uint8_t>> ppsList() const noexcept { return {pps.data(), ppsCount}; }

  // Trailing high-profile fields (chroma format, bit depth) are ignored.
  static Result<AvcConfig> parse(std::span<const uint8_t> record) noexcept;
  size_t size() const noexcept;
  // Writes the record; profile/compatibility/level come from the fields (see fromParameterSets).
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
  // A record for one SPS and one PPS (NAL units without start codes), 4-byte lengths,
  // profile and level copied from the SPS.
  static Result<AvcConfig> fromParameterSets(std::span<const uint8_t> sps,
                                             std::span<const uint8_t> pps) noexcept;
};

}  // namespace rtcgate::wire::rtmp
