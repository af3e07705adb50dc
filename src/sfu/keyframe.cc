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

}  // namespace rtcgate::sfu
