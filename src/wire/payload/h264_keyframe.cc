#include "wire/payload/h264_keyframe.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::payload {

namespace {

constexpr uint8_t kTypeMask = 0x1f;
constexpr uint8_t kIdr = 5;
constexpr uint8_t kSps = 7;
constexpr uint8_t kPps = 8;
constexpr uint8_t kStapA = 24;
constexpr uint8_t kFuA = 28;
constexpr uint8_t kFuStart = 0x80;  // S bit of the FU header (§5.8)

void noteNal(uint8_t type, H264PayloadInfo& info) noexcept {
  info.hasIdr |= type == kIdr;
  info.hasSps |= type == kSps;
  info.hasPps |= type == kPps;
}

// §5.7.1: after the STAP-A NAL header, repeated [16-bit size][NAL unit] to the end.
Status parseStapA(ByteReader& r, H264PayloadInfo& info) noexcept {
  if (r.empty()) return Error::truncated("h264: empty STAP-A");
  while (!r.empty()) {
    uint16_t size = 0;
    std::span<const uint8_t> nal;
    if (!r.readU16(size)) return Error::truncated("h264: STAP-A size truncated");
    if (size == 0) return Error::malformed("h264: empty NAL unit in STAP-A");
    if (!r.readBytes(size, nal)) return Error::truncated("h264: STAP-A NAL unit truncated");
    noteNal(nal[0] & kTypeMask, info);
  }
  return {};
}

}  // namespace

Result<H264PayloadInfo> H264PayloadInfo::parse(std::span<const uint8_t> rtpPayload) noexcept {
  ByteReader r(rtpPayload);
  uint8_t header = 0;
  if (!r.readU8(header)) return Error::truncated("h264: empty payload");
  H264PayloadInfo info;
  info.packetType = header & kTypeMask;
  if (info.packetType == 0) return Error::malformed("h264: NAL unit type 0");
  if (info.packetType <= 23) {
    noteNal(info.packetType, info);
    return info;
  }
  if (info.packetType == kStapA) {
    RTCGATE_TRY(parseStapA(r, info));
    return info;
  }
  if (info.packetType == kFuA) {
    uint8_t fuHeader = 0;
    if (!r.readU8(fuHeader)) return Error::truncated("h264: FU-A header truncated");
    if (r.empty()) return Error::truncated("h264: FU-A without payload");
    // Only the first fragment starts a NAL unit a decoder can begin at.
    if (fuHeader & kFuStart) noteNal(fuHeader & kTypeMask, info);
    return info;
  }
  return Error::unsupported("h264: STAP-B, MTAP or FU-B payload");
}

}  // namespace rtcgate::wire::payload
