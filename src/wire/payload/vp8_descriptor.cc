#include "wire/payload/vp8_descriptor.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::payload {

namespace {

// RFC 7741 §4.2 required octet: |X|R|N|S|R| PID |; extension octet: |I|L|T|K| RSV |.
constexpr uint8_t kX = 0x80;
constexpr uint8_t kN = 0x20;
constexpr uint8_t kS = 0x10;
constexpr uint8_t kPidMask = 0x07;
constexpr uint8_t kI = 0x80;
constexpr uint8_t kL = 0x40;
constexpr uint8_t kT = 0x20;
constexpr uint8_t kK = 0x10;
constexpr uint8_t kM = 0x80;  // in the first PictureID octet

// Reads the optional I/L/T/K fields announced by the extension octet `ext`.
bool readExtensions(ByteReader& r, uint8_t ext, Vp8Descriptor& d) noexcept {
  if (ext & kI) {
    d.hasPictureId = true;
    d.pictureIdOffset = static_cast<uint8_t>(r.position());
    uint8_t b0 = 0;
    if (!r.readU8(b0)) return false;
    d.longPictureId = (b0 & kM) != 0;
    d.pictureId = b0 & 0x7f;
    if (d.longPictureId) {
      uint8_t b1 = 0;
      if (!r.readU8(b1)) return false;
      d.pictureId = static_cast<uint16_t>((d.pictureId << 8) | b1);
    }
  }
  if (ext & kL) {
    d.hasTl0PicIdx = true;
    d.tl0PicIdxOffset = static_cast<uint8_t>(r.position());
    if (!r.readU8(d.tl0PicIdx)) return false;
  }
  if (ext & (kT | kK)) {
    // |TID|Y| KEYIDX |: present when either T or K is set; each half is meaningful only
    // when its own bit is.
    uint8_t b = 0;
    if (!r.readU8(b)) return false;
    d.hasTid = (ext & kT) != 0;
    d.hasKeyIdx = (ext & kK) != 0;
    if (d.hasTid) {
      d.tid = static_cast<uint8_t>(b >> 6);
      d.layerSync = (b & 0x20) != 0;
    }
    if (d.hasKeyIdx) d.keyIdx = b & 0x1f;
  }
  return true;
}

}  // namespace

Result<Vp8Descriptor> Vp8Descriptor::parse(std::span<const uint8_t> rtpPayload) noexcept {
  ByteReader r(rtpPayload);
  Vp8Descriptor d;
  uint8_t b0 = 0;
  if (!r.readU8(b0)) return Error::truncated("vp8: empty payload");
  d.nonReference = (b0 & kN) != 0;
  d.startOfPartition = (b0 & kS) != 0;
  d.partitionIndex = b0 & kPidMask;
  if (b0 & kX) {
    uint8_t ext = 0;
    if (!r.readU8(ext) || !readExtensions(r, ext, d)) return Error::truncated("vp8: descriptor truncated");
  }
  d.size = static_cast<uint8_t>(r.position());
  uint8_t header = 0;
  if (!r.readU8(header)) return Error::truncated("vp8: no payload after descriptor");
  // §4.3: P (bit 0 of the first payload header octet) is 0 for a key frame; the payload
  // header is only present at the start of partition 0.
  d.keyframeStart = d.startOfPartition && d.partitionIndex == 0 && (header & 0x01) == 0;
  return d;
}

bool Vp8Descriptor::writePictureId(std::span<uint8_t> rtpPayload, uint16_t value) const noexcept {
  if (!hasPictureId) return false;
  const size_t width = longPictureId ? 2 : 1;
  if (size_t{pictureIdOffset} + width > rtpPayload.size()) return false;
  uint8_t* p = rtpPayload.data() + pictureIdOffset;
  if (longPictureId) {
    storeU16(p, static_cast<uint16_t>(0x8000 | (value & 0x7fff)));
  } else {
    p[0] = static_cast<uint8_t>(value & 0x7f);
  }
  return true;
}

bool Vp8Descriptor::writeTl0PicIdx(std::span<uint8_t> rtpPayload, uint8_t value) const noexcept {
  if (!hasTl0PicIdx || tl0PicIdxOffset >= rtpPayload.size()) return false;
  rtpPayload[tl0PicIdxOffset] = value;
  return true;
}

}  // namespace rtcgate::wire::payload
