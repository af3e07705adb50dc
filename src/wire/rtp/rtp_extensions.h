#pragma once
// Typed codecs for the RTP header extensions browsers negotiate (values only, no header).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rtcgate::wire::rtp {

// abs-send-time (webrtc.org/experiments/rtp-hdrext/abs-send-time): 24-bit 6.18 fixed-point
// seconds, wrapping every 64 s.
inline constexpr size_t kAbsSendTimeSize = 3;
uint32_t absSendTimeFromMicros(int64_t micros) noexcept;  // 24-bit value
int64_t absSendTimeToMicros(uint32_t value) noexcept;     // within [0, 64 s)
void writeAbsSendTime(std::span<uint8_t, 3> out, uint32_t value) noexcept;
std::optional<uint32_t> readAbsSendTime(std::span<const uint8_t> value) noexcept;

// transport-wide-cc-extensions-01 §2: a 16-bit transport-wide sequence number.
inline constexpr size_t kTransportSeqSize = 2;
void writeTransportSequence(std::span<uint8_t, 2> out, uint16_t seq) noexcept;
std::optional<uint16_t> readTransportSequence(std::span<const uint8_t> value) noexcept;

// RFC 6464 §3 client-to-mixer audio level: V (voice activity) and level in -dBov 0..127.
struct AudioLevel {
  bool voiceActivity = false;
  uint8_t level = 127;  // 0 is loudest, 127 is silence
};
uint8_t encodeAudioLevel(AudioLevel a) noexcept;
std::optional<AudioLevel> readAudioLevel(std::span<const uint8_t> value) noexcept;

// RFC 8843 §15 (mid), RFC 8852 §3.1/§3.2 (rid, repaired-rid): RFC 8851 token strings of
// 1..255 bytes (one-byte form limits them to 16). Empty on an empty or non-token value.
std::string_view readSdesString(std::span<const uint8_t> value) noexcept;
inline std::span<const uint8_t> sdesStringBytes(std::string_view s) noexcept {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// 3GPP TS 26.114 §7.4.5 video orientation (urn:3gpp:video-orientation): C, F, rotation.
struct VideoOrientation {
  bool camera = false;           // C: back-facing camera
  bool flip = false;             // F: horizontal flip
  uint16_t rotationDegrees = 0;  // 0, 90, 180 or 270
};
uint8_t encodeVideoOrientation(VideoOrientation v) noexcept;
std::optional<VideoOrientation> readVideoOrientation(std::span<const uint8_t> value) noexcept;

}  // namespace rtcgate::wire::rtp
