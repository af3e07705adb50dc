#include "sfu/keyframe.h"

#include "wire/payload/av1_aggregation_header.h"
#include "wire/payload/h264_keyframe.h"
#include "wire/payload/vp8_descriptor.h"
#include "wire/payload/vp9_descriptor.h"

namespace rtcgate::sfu {

bool isKeyframeStart(std::optional<MediaCodec> codec, std::span<const uint8_t> payload) noexcept {
  namespace pl = wire::payload;
  if (!codec) return false;
  switch (*codec) {
    case MediaCodec::kVp8: {
      auto d = pl::Vp8Descriptor::parse(payload);
      return d.ok() && d->keyframeStart;
    }
    case MediaCodec::kH264: {
      auto h = pl::H264PayloadInfo::parse(payload);
      return h.ok() && h->keyframe();
    }
    case MediaCodec::kVp9: {
      auto d = pl::Vp9Descriptor::parse(payload);
      return d.ok() && d->keyframeStart();
    }
    case MediaCodec::kAv1: {
      auto a = pl::Av1AggregationHeader::parse(payload);
      return a.ok() && a->keyframeStart();
    }
    case MediaCodec::kOpus:
    case MediaCodec::kAac: return false;
  }
  return false;
}

std::optional<FrameSize> keyframeSize(std::optional<MediaCodec> codec, std::span<const uint8_t> payload) noexcept {
  if (codec != MediaCodec::kVp8) return std::nullopt;
  auto d = wire::payload::Vp8Descriptor::parse(payload);
  if (!d.ok() || !d->keyframeStart) return std::nullopt;
  // RFC 6386 §9.1: 3-byte frame tag, start code 9d 01 2a, then 14-bit little-endian sizes.
  const auto p = payload.subspan(d->size);
  if (p.size() < 10 || p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a) return std::nullopt;
  const auto w = static_cast<uint16_t>((p[6] | (p[7] << 8)) & 0x3fff);
  const auto h = static_cast<uint16_t>((p[8] | (p[9] << 8)) & 0x3fff);
  if (w == 0 || h == 0) return std::nullopt;
  return FrameSize{w, h};
}

}  // namespace rtcgate::sfu
