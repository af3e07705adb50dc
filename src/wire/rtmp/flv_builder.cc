#include "wire/rtmp/flv_builder.h"

#include <algorithm>

#include "wire/rtmp/avc_config.h"
#include "wire/rtmp/flv_tag.h"
#include "wire/rtmp/nal_units.h"

namespace rtcgate::wire::rtmp {
namespace {

constexpr size_t kAvcHeaderSize = 5;  // frame type/codec, AVCPacketType, composition time
constexpr size_t kAacHeaderSize = 2;  // sound format byte, AACPacketType

// Writes the 5-byte AVC video tag header; the body follows at out[5].
Result<size_t> writeAvcHeader(VideoFrameType frameType, PacketKind kind, int32_t cts,
                              std::span<uint8_t> out) noexcept {
  VideoTag t;
  t.frameType = frameType;
  t.kind = kind;
  t.compositionTimeMs = cts;
  return t.serializeTo(out.first(std::min(out.size(), kAvcHeaderSize)));
}

Result<size_t> writeAacHeader(PacketKind kind, std::span<uint8_t> out) noexcept {
  AudioTag t;  // AAC is always signalled as 44 kHz, 16 bit, stereo (Annex E.4.2.1)
  t.kind = kind;
  return t.serializeTo(out.first(std::min(out.size(), kAacHeaderSize)));
}

VideoFrameType frameTypeOf(bool keyframe) noexcept {
  return keyframe ? VideoFrameType::kKey : VideoFrameType::kInter;
}

}  // namespace

Result<size_t> writeAvcSequenceHeader(std::span<const uint8_t> sps, std::span<const uint8_t> pps,
                                      std::span<uint8_t> out) noexcept {
  auto config = AvcConfig::fromParameterSets(sps, pps);
  if (!config.ok()) return config.error();
  auto header = writeAvcHeader(VideoFrameType::kKey, PacketKind::kSequenceHeader, 0, out);
  if (!header.ok()) return header.error();
  auto body = config->serializeTo(out.subspan(kAvcHeaderSize));
  if (!body.ok()) return body.error();
  return kAvcHeaderSize + *body;
}

Result<size_t> writeAvcFrame(bool keyframe, int32_t compositionTimeMs, std::span<const uint8_t> avcc,
                             std::span<uint8_t> out) noexcept {
  VideoTag t;
  t.frameType = frameTypeOf(keyframe);
  t.kind = PacketKind::kCodedFrames;
  t.compositionTimeMs = compositionTimeMs;
  t.data = avcc;
  return t.serializeTo(out);
}

Result<size_t> writeAvcFrameFromAnnexB(bool keyframe, int32_t compositionTimeMs,
                                       std::span<const uint8_t> annexB, std::span<uint8_t> out) noexcept {
  auto header = writeAvcHeader(frameTypeOf(keyframe), PacketKind::kCodedFrames, compositionTimeMs, out);
  if (!header.ok()) return header.error();
  auto body = annexBToAvcc(annexB, out.subspan(kAvcHeaderSize));
  if (!body.ok()) return body.error();
  return kAvcHeaderSize + *body;
}

Result<size_t> writeAacSequenceHeader(const AacConfig& config, std::span<uint8_t> out) noexcept {
  auto header = writeAacHeader(PacketKind::kSequenceHeader, out);
  if (!header.ok()) return header.error();
  auto body = config.serializeTo(out.subspan(kAacHeaderSize));
  if (!body.ok()) return body.error();
  return kAacHeaderSize + *body;
}

Result<size_t> writeAacFrame(std::span<const uint8_t> raw, std::span<uint8_t> out) noexcept {
  AudioTag t;
  t.kind = PacketKind::kCodedFrames;
  t.data = raw;
  return t.serializeTo(out);
}

}  // namespace rtcgate::wire::rtmp
