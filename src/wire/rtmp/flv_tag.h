#pragma once
// FLV audio/video tag bodies as carried by RTMP messages 8 and 9 (FLV spec v10.1 Annex E.4.2,
// E.4.3; Enhanced RTMP v1/v2 ExVideoTagHeader / ExAudioTagHeader).

#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rtmp {

// A FourCC as a big-endian 32-bit value, e.g. fourCc("hvc1").
constexpr uint32_t fourCc(const char (&s)[5]) noexcept {
  return uint32_t(uint8_t(s[0])) << 24 | uint32_t(uint8_t(s[1])) << 16 | uint32_t(uint8_t(s[2])) << 8 |
         uint32_t(uint8_t(s[3]));
}
inline constexpr uint32_t kFourCcAvc = fourCc("avc1");
inline constexpr uint32_t kFourCcHevc = fourCc("hvc1");
inline constexpr uint32_t kFourCcAv1 = fourCc("av01");
inline constexpr uint32_t kFourCcVp9 = fourCc("vp09");
inline constexpr uint32_t kFourCcOpus = fourCc("Opus");
inline constexpr uint32_t kFourCcAac = fourCc("mp4a");

// Annex E.4.3.1 FrameType (3 bits in enhanced tags, 4 in legacy ones).
enum class VideoFrameType : uint8_t {
  kKey = 1,
  kInter = 2,
  kDisposableInter = 3,
  kGeneratedKey = 4,
  kCommand = 5
};

// What a tag body holds, across legacy AVCPacketType/AACPacketType and enhanced PacketType.
enum class PacketKind : uint8_t {
  kSequenceHeader,  // decoder configuration (AVCDecoderConfigurationRecord, AudioSpecificConfig...)
  kCodedFrames,     // media data
  kEndOfSequence,
  kMetadata,  // enhanced video: AMF-encoded colour info
  kCommand,   // video command frame (seek start/end), no media
  kOther,     // legacy codecs without packet types; data is everything after the header
};

// Legacy codec ids this server understands (Annex E.4.3.1 CodecID).
inline constexpr uint8_t kVideoCodecAvc = 7;
// Annex E.4.2.1 SoundFormat values.
inline constexpr uint8_t kSoundFormatAac = 10;
inline constexpr uint8_t kSoundFormatExHeader = 9;  // Enhanced RTMP audio

// View of one video tag body; `data` borrows the message payload.
struct VideoTag {
  VideoFrameType frameType = VideoFrameType::kKey;
  bool enhanced = false;
  uint8_t codecId = kVideoCodecAvc;  // legacy tags only
  uint32_t fourCc = 0;               // enhanced tags; kFourCcAvc for legacy AVC
  PacketKind kind = PacketKind::kCodedFrames;
  int32_t compositionTimeMs = 0;  // pts - dts, signed 24 bits (AVC, HEVC coded frames)
  std::span<const uint8_t> data;

  bool isKeyframe() const noexcept { return frameType == VideoFrameType::kKey; }
  static Result<VideoTag> parse(std::span<const uint8_t> body) noexcept;
  // Header bytes serializeTo writes before `data`.
  size_t headerSize() const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

// View of one audio tag body; `data` borrows the message payload.
struct AudioTag {
  uint8_t soundFormat = kSoundFormatAac;
  uint8_t soundRate = 3;  // legacy: 0=5.5k 1=11k 2=22k 3=44k (AAC always says 3)
  uint8_t soundSize = 1;  // legacy: 0=8 bit, 1=16 bit
  uint8_t soundType = 1;  // legacy: 0=mono, 1=stereo
  bool enhanced = false;
  uint32_t fourCc = 0;  // enhanced tags (kFourCcOpus...)
  PacketKind kind = PacketKind::kCodedFrames;
  std::span<const uint8_t> data;

  static Result<AudioTag> parse(std::span<const uint8_t> body) noexcept;
  size_t headerSize() const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

}  // namespace rtcgate::wire::rtmp
