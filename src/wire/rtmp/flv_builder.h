#pragma once
// One-call builders of the FLV tag bodies an RTMP egress sends for H.264 and AAC
// (FLV spec v10.1 Annex E.4.2.2, E.4.3.1), written straight into the caller's buffer.

#include <cstdint>
#include <span>

#include "base/result.h"
#include "wire/rtmp/aac_config.h"

namespace rtcgate::wire::rtmp {

// Video tag: key frame, AVC, AVCPacketType 0, then an AVCDecoderConfigurationRecord for
// one SPS and one PPS (NAL units without start codes).
Result<size_t> writeAvcSequenceHeader(std::span<const uint8_t> sps, std::span<const uint8_t> pps,
                                      std::span<uint8_t> out) noexcept;
// Video tag: AVCPacketType 1 around an AVCC (4-byte length prefixed) access unit.
Result<size_t> writeAvcFrame(bool keyframe, int32_t compositionTimeMs, std::span<const uint8_t> avcc,
                             std::span<uint8_t> out) noexcept;
// Same from an Annex B access unit, converting start codes to 4-byte lengths in place.
Result<size_t> writeAvcFrameFromAnnexB(bool keyframe, int32_t compositionTimeMs,
                                       std::span<const uint8_t> annexB, std::span<uint8_t> out) noexcept;
// Audio tag: AAC, AACPacketType 0, AudioSpecificConfig.
Result<size_t> writeAacSequenceHeader(const AacConfig& config, std::span<uint8_t> out) noexcept;
// Audio tag: AAC, AACPacketType 1, one raw AAC frame (no ADTS header).
Result<size_t> writeAacFrame(std::span<const uint8_t> raw, std::span<uint8_t> out) noexcept;

}  // namespace rtcgate::wire::rtmp
