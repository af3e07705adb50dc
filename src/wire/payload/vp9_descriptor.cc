#include "wire/payload/vp9_descriptor.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::payload {

namespace {

constexpr int kMaxPDiffs = 3;  // §4.2: at most three reference indices

// §4.2 "Layer indices": |TID|U| SID |D|, then TL0PICIDX in non-flexible mode.
bool readLayerIndices(ByteReader& r, Vp9Descriptor& d) noexcept {
  uint8_t b = 0;
  if (!r.readU8(b)) return false;
  d.tid = static_cast<uint8_t>(b >> 5);
  d.switchingUp = (b & 0x10) != 0;
  d.sid = (b >> 1) & 0x07;
  d.interLayer = (b & 0x01) != 0;
  return d.flexible || r.readU8(d.tl0PicIdx);
}

// §4.2 "Reference indices": P_DIFF octets while N (the low bit) says another follows.
bool skipReferenceIndices(ByteReader& r) noexcept {
  for (int i = 0; i < kMaxPDiffs; ++i) {
    uint8_t b = 0;
    if (!r.readU8(b)) return false;
    if ((b & 0x01) == 0) return true;
  }
  return false;
}

// §4.2.1 scalability structure: |N_S|Y|G|RSV|, optional sizes, optional picture group.
bool skipScalabilityStructure(ByteReader& r) noexcept {
  uint8_t b = 0;
  if (!r.readU8(b)) return false;
  const size_t layers = (b >> 5) + 1u;
  if ((b & 0x10) && !r.skip(layers * 4)) return false;  // Y: WIDTH and HEIGHT per layer
  if ((b & 0x08) == 0) return true;                     // G: no picture group description
  uint8_t groups = 0;
  if (!r.readU8(groups)) return false;
  for (uint8_t g = 0; g < groups; ++g) {
    uint8_t desc = 0;
    if (!r.readU8(desc) || !r.skip((desc >> 2) & 0x03)) return false;  // R reference P_DIFFs
  }
  return true;
}

}  // namespace

Result<Vp9Descriptor> Vp9Descriptor::parse(std::span<const uint8_t> rtpPayload) noexcept {
  ByteReader r(rtpPayload);
  Vp9Descriptor d;
  uint8_t b0 = 0;
  if (!r.readU8(b0)) return Error::truncated("vp9: empty payload");
  d.hasPictureId = (b0 & 0x80) != 0;
  d.interPicture = (b0 & 0x40) != 0;
  d.hasLayerIndices = (b0 & 0x20) != 0;
  d.flexible = (b0 & 0x10) != 0;
  d.beginOfFrame = (b0 & 0x08) != 0;
  d.endOfFrame = (b0 & 0x04) != 0;
  d.hasSs = (b0 & 0x02) != 0;
  d.notReference = (b0 & 0x01) != 0;
  if (d.hasPictureId) {
    uint8_t p0 = 0;
    if (!r.readU8(p0)) return Error::truncated("vp9: picture id truncated");
    d.longPictureId = (p0 & 0x80) != 0;
    d.pictureId = p0 & 0x7f;
    uint8_t p1 = 0;
    if (d.longPictureId) {
      if (!r.readU8(p1)) return Error::truncated("vp9: picture id truncated");
      d.pictureId = static_cast<uint16_t>((d.pictureId << 8) | p1);
    }
  }
  if (d.hasLayerIndices && !readLayerIndices(r, d)) return Error::truncated("vp9: layer indices truncated");
  if (d.flexible && d.interPicture && !skipReferenceIndices(r)) {
    return Error::truncated("vp9: reference indices truncated");
  }
  if (d.hasSs && !skipScalabilityStructure(r))
    return Error::truncated("vp9: scalability structure truncated");
  d.size = static_cast<uint16_t>(r.position());
  if (r.empty()) return Error::truncated("vp9: no frame data after descriptor");
  return d;
}

}  // namespace rtcgate::wire::payload
