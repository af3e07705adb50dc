#include "sfu/keyframe.h"

#include <strings.h>

#include <cstring>

#include <string>

namespace rtcgate::sfu {

VideoCodec videoCodecFromName(std::string_view name) noexcept {
  auto is = [&](const char* n) { return name.size() == strlen(n) && strncasecmp(name.data(), n, name.size()) == 0; };
  if (is("VP8")) return VideoCodec::kVp8;
  if (is("VP9")) return VideoCodec::kVp9;
  if (is("H264")) return VideoCodec::kH264;
  if (is("AV1")) return VideoCodec::kAv1;
  return VideoCodec::kOther;
}

namespace {

// RFC 7741 §4.2 descriptor, then §4.3 payload header: keyframe when S=1, PID=0 and P=0.
bool vp8Keyframe(std::span<const uint8_t> p) noexcept {
  if (p.empty()) return false;
  const uint8_t b0 = p[0];
  const bool x = b0 & 0x80, s = b0 & 0x10;
  const uint8_t pid = b0 & 0x07;
  if (!s || pid != 0) return false;
  size_t off = 1;
  if (x) {
    if (p.size() < 2) return false;
    const uint8_t b1 = p[1];
    off = 2;
    if (b1 & 0x80) {  // I: PictureID, 7 or 15 bits
      if (p.size() <= off) return false;
      off += (p[off] & 0x80) ? 2 : 1;
    }
    if (b1 & 0x40) ++off;           // L: TL0PICIDX
    if (b1 & 0x30) ++off;           // T or K: TID/Y/KEYIDX
  }
  if (p.size() <= off) return false;
  return (p[off] & 0x01) == 0;
}

bool h264NalIsKey(uint8_t nalType) noexcept { return nalType == 5 || nalType == 7; }

bool h264Keyframe(std::span<const uint8_t> p) noexcept {
  if (p.empty()) return false;
  const uint8_t type = p[0] & 0x1f;
  if (type >= 1 && type <= 23) return h264NalIsKey(type);
  if (type == 24) {  // STAP-A: 16-bit size + NAL, repeated
    size_t off = 1;
    while (off + 2 < p.size()) {
      const size_t len = (size_t{p[off]} << 8) | p[off + 1];
      off += 2;
      if (len == 0 || off + len > p.size()) return false;
      if (h264NalIsKey(p[off] & 0x1f)) return true;
      off += len;
    }
    return false;
  }
  if (type == 28) {  // FU-A: start bit and the fragmented NAL's type
    return p.size() >= 2 && (p[1] & 0x80) && h264NalIsKey(p[1] & 0x1f);
  }
  return false;
}

// RFC 9628 §4.2: a keyframe starts a frame (B) and is not inter-predicted (P=0).
bool vp9Keyframe(std::span<const uint8_t> p) noexcept {
  if (p.empty()) return false;
  const bool pBit = p[0] & 0x40, bBit = p[0] & 0x08;
  return bBit && !pBit;
}

}  // namespace

bool isKeyframeStart(VideoCodec codec, std::span<const uint8_t> payload) noexcept {
  switch (codec) {
    case VideoCodec::kVp8: return vp8Keyframe(payload);
    case VideoCodec::kH264: return h264Keyframe(payload);
    case VideoCodec::kVp9: return vp9Keyframe(payload);
    case VideoCodec::kAv1:
      // AV1 aggregation header (RTP spec §4.4): N=1 marks the first packet of a new coded video sequence.
      return !payload.empty() && (payload[0] & 0x08);
    case VideoCodec::kOther: return false;
  }
  return false;
}

}  // namespace rtcgate::sfu
