#include "media/media_frame.h"

#include <strings.h>

#include <cstring>

namespace rtcgate::media {

std::optional<MediaCodec> codecFromName(std::string_view name) noexcept {
  auto is = [&](const char* n) { return name.size() == strlen(n) && strncasecmp(name.data(), n, name.size()) == 0; };
  if (is("VP8")) return MediaCodec::kVp8;
  if (is("VP9")) return MediaCodec::kVp9;
  if (is("H264")) return MediaCodec::kH264;
  if (is("AV1")) return MediaCodec::kAv1;
  if (is("opus")) return MediaCodec::kOpus;
  if (is("MP4A-LATM") || is("AAC")) return MediaCodec::kAac;
  return std::nullopt;
}

}  // namespace rtcgate::media
