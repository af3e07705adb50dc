#include "media/h264_depacketizer.h"

#include "base/base64.h"
#include "base/byte_reader.h"
#include "media/annex_b.h"

namespace rtcgate::media {
namespace {

constexpr uint8_t kNalAud = 9;
constexpr uint8_t kStapA = 24;
constexpr uint8_t kFuA = 28;
constexpr uint8_t kFuStart = 0x80;
constexpr uint8_t kFuEnd = 0x40;
constexpr size_t kAudSize = 2;  // NAL header + primary_pic_type and trailing bits

// NAL unit types an access unit may hold: 0 is forbidden and 24..31 mean aggregation or
// fragmentation in RTP (§5.2), never a NAL unit of their own.
bool carriable(uint8_t type) noexcept {
  return type != 0 && type < kStapA;
}

}  // namespace

Status H264Depacketizer::setSpropParameterSets(std::string_view value) {
  std::vector<uint8_t> sps, pps;
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    if (item.empty()) continue;
    auto nal = fromBase64(item);
    if (!nal.ok()) return nal.error();
    if (nal->empty()) return Error::malformed("h264: empty NAL unit in sprop-parameter-sets");
    const uint8_t type = nalType((*nal)[0]);
    if (type == kNalSps) {
      sps = std::move(*nal);
    } else if (type == kNalPps) {
      pps = std::move(*nal);
    } else {
      return Error::malformed("h264: sprop-parameter-sets holds a NAL unit other than SPS or PPS");
    }
  }
  if (!sps.empty()) sps_ = std::move(sps);
  if (!pps.empty()) pps_ = std::move(pps);
  return {};
}

bool H264Depacketizer::startsFrame(std::span<const uint8_t> payload) const noexcept {
  // Only an FU-A continuation is known not to begin a NAL unit, hence an access unit.
  if (payload.size() < 2 || nalType(payload[0]) != kFuA) return !payload.empty();
  return (payload[1] & kFuStart) != 0;
}

bool H264Depacketizer::append(std::span<const uint8_t> payload, MediaFrame& frame) {
  if (payload.empty()) return false;
  const uint8_t type = nalType(payload[0]);
  if (type == kFuA) return appendFuA(payload, frame);
  if (inFragment_) return false;  // §5.8: fragments of a NAL unit are consecutive
  if (type == kStapA) return appendStapA(payload, frame);
  if (!carriable(type)) return false;  // forbidden, or not packetization-mode 1
  appendNal(frame.data, payload);
  noteNal(payload);
  return true;
}

bool H264Depacketizer::appendStapA(std::span<const uint8_t> payload, MediaFrame& frame) {
  ByteReader r(payload.subspan(1));
  if (r.empty()) return false;
  while (!r.empty()) {
    uint16_t size = 0;
    std::span<const uint8_t> nal;
    if (!r.readU16(size) || size == 0 || !r.readBytes(size, nal) || !carriable(nalType(nal[0]))) return false;
    appendNal(frame.data, nal);
    noteNal(nal);
  }
  return true;
}

bool H264Depacketizer::appendFuA(std::span<const uint8_t> payload, MediaFrame& frame) {
  if (payload.size() < 3) return false;
  const uint8_t fu = payload[1];
  const bool start = (fu & kFuStart) != 0;
  if (!carriable(nalType(fu))) return false;
  if (start == inFragment_) return false;  // a start inside a NAL unit, or a middle without one
  if (start) {
    // The NAL header is rebuilt from the indicator's F and NRI and the FU header's type.
    const uint8_t header = static_cast<uint8_t>((payload[0] & 0xe0) | nalType(fu));
    appendNal(frame.data, std::span<const uint8_t>(&header, 1));
    inFragment_ = true;
    const uint8_t type = nalType(fu);
    sawIdr_ |= type == kNalIdr;
    // Fragmented parameter sets are not captured: they are tiny in practice.
    sawSps_ |= type == kNalSps;
    sawPps_ |= type == kNalPps;
  }
  const auto data = payload.subspan(2);
  frame.data.insert(frame.data.end(), data.begin(), data.end());
  if (fu & kFuEnd) inFragment_ = false;
  return true;
}

void H264Depacketizer::noteNal(std::span<const uint8_t> nal) {
  switch (nalType(nal[0])) {
    case kNalIdr:
      sawIdr_ = true;
      break;
    case kNalSps:
      sawSps_ = true;
      sps_.assign(nal.begin(), nal.end());
      break;
    case kNalPps:
      sawPps_ = true;
      pps_.assign(nal.begin(), nal.end());
      break;
    default:
      break;
  }
}

bool H264Depacketizer::finish(MediaFrame& frame) {
  if (inFragment_ || frame.data.empty()) return false;  // the marker came inside a NAL unit
  frame.keyframe = sawIdr_;
  if (sawIdr_ && hasParameterSets()) {
    if (!sawSps_ || !sawPps_) injectParameterSets(frame);
    appendNal(frame.config, sps_);
    appendNal(frame.config, pps_);
  }
  return true;
}

// Before the IDR's first NAL unit, after an access unit delimiter (which must come first,
// H.264 §7.4.1.2.3).
void H264Depacketizer::injectParameterSets(MediaFrame& frame) const {
  // Both, even when one came in band (sps_/pps_ then hold it already), so a PPS never
  // precedes the SPS it refers to.
  std::vector<uint8_t> sets;
  appendNal(sets, sps_);
  appendNal(sets, pps_);
  size_t at = 0;
  const size_t audEnd = sizeof(kAnnexBStartCode) + kAudSize;
  if (frame.data.size() >= audEnd && nalType(frame.data[sizeof(kAnnexBStartCode)]) == kNalAud &&
      (frame.data.size() == audEnd || frame.data[audEnd] == 0)) {
    at = audEnd;
  }
  frame.data.insert(frame.data.begin() + static_cast<ptrdiff_t>(at), sets.begin(), sets.end());
}

void H264Depacketizer::discard() noexcept {
  inFragment_ = false;
  sawIdr_ = sawSps_ = sawPps_ = false;
}

}  // namespace rtcgate::media
