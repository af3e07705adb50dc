#include "wire/rtp/rtp_extensions.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtp {

uint32_t absSendTimeFromMicros(int64_t micros) noexcept {
  // 6.18 fixed point: value = seconds * 2^18, rounded, modulo 2^24.
  const uint64_t v = ((static_cast<uint64_t>(micros) << 18) + 500000) / 1000000;
  return static_cast<uint32_t>(v & 0xFFFFFF);
}

int64_t absSendTimeToMicros(uint32_t value) noexcept {
  return static_cast<int64_t>(((uint64_t{value & 0xFFFFFF} * 1000000) + (1u << 17)) >> 18);
}

void writeAbsSendTime(std::span<uint8_t, 3> out, uint32_t value) noexcept {
  storeU24(out.data(), value);
}

std::optional<uint32_t> readAbsSendTime(std::span<const uint8_t> value) noexcept {
  if (value.size() != kAbsSendTimeSize) return std::nullopt;
  return loadU24(value.data());
}

void writeTransportSequence(std::span<uint8_t, 2> out, uint16_t seq) noexcept {
  storeU16(out.data(), seq);
}

std::optional<uint16_t> readTransportSequence(std::span<const uint8_t> value) noexcept {
  if (value.size() != kTransportSeqSize) return std::nullopt;
  return loadU16(value.data());
}

uint8_t encodeAudioLevel(AudioLevel a) noexcept {
  return static_cast<uint8_t>((a.voiceActivity ? 0x80 : 0) | (a.level & 0x7f));
}

std::optional<AudioLevel> readAudioLevel(std::span<const uint8_t> value) noexcept {
  // RFC 6464 §3: one byte in the one-byte form; two-byte form may pad it to more bytes.
  if (value.empty()) return std::nullopt;
  return AudioLevel{(value[0] & 0x80) != 0, static_cast<uint8_t>(value[0] & 0x7f)};
}

std::string_view readSdesString(std::span<const uint8_t> value) noexcept {
  // RFC 8851 §10 rid-syntax / RFC 8843 mid tokens: ALPHA / DIGIT / "-" / "_" (mid also
  // allows other token chars; we accept printable ASCII excluding space).
  if (value.empty()) return {};
  for (uint8_t c : value) {
    if (c <= 0x20 || c >= 0x7f) return {};
  }
  return {reinterpret_cast<const char*>(value.data()), value.size()};
}

uint8_t encodeVideoOrientation(VideoOrientation v) noexcept {
  const uint8_t r = static_cast<uint8_t>((v.rotationDegrees / 90) & 3);
  return static_cast<uint8_t>((v.camera ? 0x08 : 0) | (v.flip ? 0x04 : 0) | r);
}

std::optional<VideoOrientation> readVideoOrientation(std::span<const uint8_t> value) noexcept {
  if (value.empty()) return std::nullopt;
  const uint8_t b = value[0];
  return VideoOrientation{(b & 0x08) != 0, (b & 0x04) != 0, static_cast<uint16_t>((b & 3) * 90)};
}

}  // namespace rtcgate::wire::rtp
