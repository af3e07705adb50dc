#include "media/h264_packetizer.h"

#include <algorithm>
#include <cstring>

#include "base/byte_reader.h"

namespace rtcgate::media {
namespace {

constexpr uint8_t kStapA = 24;
constexpr uint8_t kFuA = 28;
constexpr uint8_t kFuStart = 0x80;
constexpr uint8_t kFuEnd = 0x40;
constexpr uint8_t kForbiddenBit = 0x80;
constexpr uint8_t kNriMask = 0x60;
constexpr size_t kStapSizeField = 2;

}  // namespace

// At most 65535: a STAP-A gives each NAL unit a 16-bit size (§5.7.1).
H264Packetizer::H264Packetizer(size_t maxPayload) noexcept
    : maxPayload_(std::clamp<size_t>(maxPayload, kMinPayload, UINT16_MAX)) {}

Status H264Packetizer::setFrame(std::span<const uint8_t> annexB,
                                std::span<const uint8_t> parameterSets) noexcept {
  fuNal_ = {};
  next_ = {};
  prefix_ = AnnexBReader({});
  AnnexBReader check(annexB);
  std::span<const uint8_t> nal;
  bool any = false, idr = false, sps = false, pps = false;
  while (check.next(nal)) {
    const uint8_t type = nalType(nal[0]);
    if (type == 0 || type >= kStapA)
      return Error::malformed("h264: NAL unit type 0 or 24..31 in access unit");
    any = true;
    idr |= type == kNalIdr;
    sps |= type == kNalSps;
    pps |= type == kNalPps;
  }
  if (!any) return Error::malformed("h264: no NAL unit in access unit");
  // Both kinds even when one is present, so a PPS never precedes the SPS it refers to.
  if (idr && (!sps || !pps)) prefix_ = AnnexBReader(parameterSets);
  reader_ = AnnexBReader(annexB);
  advance();
  return {};
}

void H264Packetizer::advance() noexcept {
  while (prefix_.next(next_)) {
    const uint8_t type = nalType(next_[0]);
    if (type == kNalSps || type == kNalPps) return;
  }
  if (!reader_.next(next_)) next_ = {};
}

Result<PacketizedPayload> H264Packetizer::next(std::span<uint8_t> out) noexcept {
  if (!hasNext()) return Error::state("h264: access unit already packetized");
  size_t n = 0;
  if (!fuNal_.empty()) {
    n = fragment(out);
  } else if (next_.size() > maxPayload_) {
    if (out.size() < std::min(maxPayload_, next_.size() + 1))
      return Error::noSpace("h264: payload buffer too small");
    fuNal_ = next_;
    fuOffset_ = 1;
    advance();
    n = fragment(out);
  } else {
    if (out.size() < next_.size()) return Error::noSpace("h264: payload buffer too small");
    const auto nal = next_;
    advance();
    n = aggregate(nal, out);
  }
  if (n == 0) return Error::noSpace("h264: payload buffer too small");
  return PacketizedPayload{n, !hasNext()};
}

// §5.8: FU indicator (F and NRI of the NAL, type 28), FU header (S, E, NAL type), data.
size_t H264Packetizer::fragment(std::span<uint8_t> out) noexcept {
  const size_t room = std::min(maxPayload_, out.size());
  if (room < kMinPayload) return 0;
  const size_t left = fuNal_.size() - fuOffset_;
  const size_t n = std::min(room - 2, left);
  const uint8_t header = fuNal_[0];
  out[0] = static_cast<uint8_t>((header & (kForbiddenBit | kNriMask)) | kFuA);
  out[1] = static_cast<uint8_t>((fuOffset_ == 1 ? kFuStart : 0) | (n == left ? kFuEnd : 0) | nalType(header));
  std::memcpy(out.data() + 2, fuNal_.data() + fuOffset_, n);
  fuOffset_ += n;
  if (fuOffset_ == fuNal_.size()) fuNal_ = {};
  return n + 2;
}

// §5.6 single NAL unit, or §5.7.1 STAP-A when the NAL units after `nal` fit with it:
// STAP-A header (F = OR of the F bits, NRI = the highest NRI, type 24), then per NAL unit
// a 16-bit size and the unit.
size_t H264Packetizer::aggregate(std::span<const uint8_t> nal, std::span<uint8_t> out) noexcept {
  const size_t room = std::min(maxPayload_, out.size());
  size_t total = 1 + kStapSizeField + nal.size();
  if (next_.empty() || next_.size() > maxPayload_ || total + kStapSizeField + next_.size() > room) {
    std::memcpy(out.data(), nal.data(), nal.size());
    return nal.size();
  }
  uint8_t forbidden = nal[0] & kForbiddenBit;
  uint8_t nri = nal[0] & kNriMask;
  size_t pos = 1;
  auto put = [&](std::span<const uint8_t> unit) {
    storeU16(out.data() + pos, static_cast<uint16_t>(unit.size()));
    std::memcpy(out.data() + pos + kStapSizeField, unit.data(), unit.size());
    pos += kStapSizeField + unit.size();
    forbidden |= unit[0] & kForbiddenBit;
    nri = std::max<uint8_t>(nri, unit[0] & kNriMask);
  };
  put(nal);
  while (!next_.empty() && pos + kStapSizeField + next_.size() <= room) {
    put(next_);
    advance();
  }
  out[0] = static_cast<uint8_t>(forbidden | nri | kStapA);
  return pos;
}

}  // namespace rtcgate::media
