#include "wire/rtmp/flv_tag.h"

#include "base/byte_writer.h"

namespace rtcgate::wire::rtmp {
namespace {

// Enhanced RTMP VideoPacketType / AudioPacketType values.
constexpr uint8_t kExSequenceStart = 0;
constexpr uint8_t kExCodedFrames = 1;
constexpr uint8_t kExSequenceEnd = 2;
constexpr uint8_t kExCodedFramesX = 3;  // video: composition time implied zero
constexpr uint8_t kExMetadata = 4;

int32_t signExtend24(uint32_t v) noexcept {
  return static_cast<int32_t>(v << 8) >> 8;
}

Result<VideoTag> parseEnhancedVideo(VideoTag t, uint8_t packetType, ByteReader& r) noexcept {
  t.enhanced = true;
  if (packetType != kExMetadata && t.frameType == VideoFrameType::kCommand) {
    t.kind = PacketKind::kCommand;  // body is a VideoCommand byte, no FourCC
    t.data = r.rest();
    return t;
  }
  if (packetType > kExMetadata) return Error::unsupported("enhanced video packet type");
  if (!r.readU32(t.fourCc)) return Error::truncated("enhanced video fourcc");
  switch (packetType) {
    case kExSequenceStart:
      t.kind = PacketKind::kSequenceHeader;
      break;
    case kExSequenceEnd:
      t.kind = PacketKind::kEndOfSequence;
      break;
    case kExMetadata:
      t.kind = PacketKind::kMetadata;
      break;
    case kExCodedFramesX:
      t.kind = PacketKind::kCodedFrames;
      break;
    default: {
      t.kind = PacketKind::kCodedFrames;
      // Only the H.264/H.265 family carries a composition time in CodedFrames.
      if (t.fourCc == kFourCcHevc || t.fourCc == kFourCcAvc) {
        uint32_t cts = 0;
        if (!r.readU24(cts)) return Error::truncated("enhanced video composition time");
        t.compositionTimeMs = signExtend24(cts);
      }
    }
  }
  t.data = r.rest();
  return t;
}

}  // namespace

// Annex E.4.3.1 VIDEODATA; Enhanced RTMP: bit 7 set switches to ExVideoTagHeader.
Result<VideoTag> VideoTag::parse(std::span<const uint8_t> body) noexcept {
  ByteReader r(body);
  uint8_t b0 = 0;
  if (!r.readU8(b0)) return Error::truncated("video tag header");
  VideoTag t;
  if (b0 & 0x80) {
    t.frameType = static_cast<VideoFrameType>((b0 >> 4) & 0x07);
    return parseEnhancedVideo(t, b0 & 0x0F, r);
  }
  t.frameType = static_cast<VideoFrameType>(b0 >> 4);
  t.codecId = b0 & 0x0F;
  if (t.codecId != kVideoCodecAvc) {
    t.kind = t.frameType == VideoFrameType::kCommand ? PacketKind::kCommand : PacketKind::kOther;
    t.data = r.rest();
    return t;
  }
  t.fourCc = kFourCcAvc;
  uint8_t packetType = 0;
  uint32_t cts = 0;
  if (!r.readU8(packetType) || !r.readU24(cts)) return Error::truncated("avc video tag header");
  if (packetType > 2) return Error::malformed("avc packet type");
  static constexpr PacketKind kKinds[] = {PacketKind::kSequenceHeader, PacketKind::kCodedFrames,
                                          PacketKind::kEndOfSequence};
  t.kind = kKinds[packetType];
  t.compositionTimeMs = signExtend24(cts);
  t.data = r.rest();
  return t;
}

size_t VideoTag::headerSize() const noexcept {
  if (!enhanced) return codecId == kVideoCodecAvc ? 5 : 1;
  if (kind == PacketKind::kCommand) return 1;
  const bool withCts = kind == PacketKind::kCodedFrames && compositionTimeMs != 0 &&
                       (fourCc == kFourCcHevc || fourCc == kFourCcAvc);
  return withCts ? 8 : 5;
}

Result<size_t> VideoTag::serializeTo(std::span<uint8_t> out) const noexcept {
  ByteWriter w(out);
  const auto frame = static_cast<uint8_t>(frameType);
  if (!enhanced) {
    w.writeU8(static_cast<uint8_t>(frame << 4 | (codecId & 0x0F)));
    if (codecId == kVideoCodecAvc) {
      const uint8_t packetType = kind == PacketKind::kSequenceHeader  ? 0
                                 : kind == PacketKind::kEndOfSequence ? 2
                                                                      : 1;
      w.writeU8(packetType);
      w.writeU24(static_cast<uint32_t>(compositionTimeMs) & 0xFFFFFF);
    }
  } else if (kind == PacketKind::kCommand) {
    w.writeU8(static_cast<uint8_t>(0x80 | (frame & 0x07) << 4));
  } else {
    uint8_t packetType = kExCodedFrames;
    if (kind == PacketKind::kSequenceHeader) packetType = kExSequenceStart;
    if (kind == PacketKind::kEndOfSequence) packetType = kExSequenceEnd;
    if (kind == PacketKind::kMetadata) packetType = kExMetadata;
    // CodedFramesX saves the three bytes when the composition time is zero.
    const bool withCts = headerSize() == 8;
    if (kind == PacketKind::kCodedFrames && !withCts) packetType = kExCodedFramesX;
    w.writeU8(static_cast<uint8_t>(0x80 | (frame & 0x07) << 4 | packetType));
    w.writeU32(fourCc);
    if (withCts) w.writeU24(static_cast<uint32_t>(compositionTimeMs) & 0xFFFFFF);
  }
  w.writeBytes(data);
  if (w.overflowed()) return Error::noSpace("video tag");
  return w.size();
}

// Annex E.4.2.1 AUDIODATA; SoundFormat 9 is the Enhanced RTMP ExAudioTagHeader.
Result<AudioTag> AudioTag::parse(std::span<const uint8_t> body) noexcept {
  ByteReader r(body);
  uint8_t b0 = 0;
  if (!r.readU8(b0)) return Error::truncated("audio tag header");
  AudioTag t;
  t.soundFormat = b0 >> 4;
  if (t.soundFormat == kSoundFormatExHeader) {
    t.enhanced = true;
    const uint8_t packetType = b0 & 0x0F;
    if (packetType > kExSequenceEnd) return Error::unsupported("enhanced audio packet type");
    if (!r.readU32(t.fourCc)) return Error::truncated("enhanced audio fourcc");
    static constexpr PacketKind kKinds[] = {PacketKind::kSequenceHeader, PacketKind::kCodedFrames,
                                            PacketKind::kEndOfSequence};
    t.kind = kKinds[packetType];
    t.data = r.rest();
    return t;
  }
  t.soundRate = (b0 >> 2) & 0x03;
  t.soundSize = (b0 >> 1) & 0x01;
  t.soundType = b0 & 0x01;
  if (t.soundFormat != kSoundFormatAac) {
    t.kind = PacketKind::kOther;
    t.data = r.rest();
    return t;
  }
  t.fourCc = kFourCcAac;
  uint8_t packetType = 0;
  if (!r.readU8(packetType)) return Error::truncated("aac packet type");
  if (packetType > 1) return Error::malformed("aac packet type");
  t.kind = packetType == 0 ? PacketKind::kSequenceHeader : PacketKind::kCodedFrames;
  t.data = r.rest();
  return t;
}

size_t AudioTag::headerSize() const noexcept {
  if (enhanced) return 5;
  return soundFormat == kSoundFormatAac ? 2 : 1;
}

Result<size_t> AudioTag::serializeTo(std::span<uint8_t> out) const noexcept {
  ByteWriter w(out);
  if (enhanced) {
    uint8_t packetType = kExCodedFrames;
    if (kind == PacketKind::kSequenceHeader) packetType = kExSequenceStart;
    if (kind == PacketKind::kEndOfSequence) packetType = kExSequenceEnd;
    w.writeU8(static_cast<uint8_t>(kSoundFormatExHeader << 4 | packetType));
    w.writeU32(fourCc);
  } else {
    w.writeU8(static_cast<uint8_t>((soundFormat & 0x0F) << 4 | (soundRate & 3) << 2 | (soundSize & 1) << 1 |
                                   (soundType & 1)));
    if (soundFormat == kSoundFormatAac) w.writeU8(kind == PacketKind::kSequenceHeader ? 0 : 1);
  }
  w.writeBytes(data);
  if (w.overflowed()) return Error::noSpace("audio tag");
  return w.size();
}

}  // namespace rtcgate::wire::rtmp
