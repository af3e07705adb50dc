#include "sfu/keyframe.h"

#include <strings.h>

#include <cstring>

#include "wire/payload/av1_aggregation_header.h"
#include "wire/payload/h264_keyframe.h"
#include "wire/payload/vp8_descriptor.h"
#include "wire/payload/vp9_descriptor.h"

namespace rtcgate::sfu {

VideoCodec videoCodecFromName(std::string_view name) noexcept {
  auto is = [&](const char* n) { return name.size() == strlen(n) && strncasecmp(name.data(), n, name.size()) == 0; };
  if (is("VP8")) return VideoCodec::kVp8;
  if (is("VP9")) return VideoCodec::kVp9;
  if (is("H264")) return VideoCodec::kH264;
  if (is("AV1")) return VideoCodec::kAv1;
  return VideoCodec::kOther;
}

bool isKeyframeStart(VideoCodec codec, std::span<const uint8_t> payload) noexcept {
  namespace pl = wire::payload;
  switch (codec) {
    case VideoCodec::kVp8: {
      auto d = pl::Vp8Descriptor::parse(payload);
      return d.ok() && d->keyframeStart;
    }
    case VideoCodec::kH264: {
      auto h = pl::H264PayloadInfo::parse(payload);
      return h.ok() && h->keyframe();
    }
    case VideoCodec::kVp9: {
      auto d = pl::Vp9Descriptor::parse(payload);
      return d.ok() && d->keyframeStart();
    }
    case VideoCodec::kAv1: {
      auto a = pl::Av1AggregationHeader::parse(payload);
      return a.ok() && a->keyframeStart();
    }
    case VideoCodec::kOther: return false;
  }
  return false;
}

std::optional<FrameSize> keyframeSize(VideoCodec codec, std::span<const uint8_t> payload) noexcept {
  if (codec != VideoCodec::kVp8) return std::nullopt;
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
