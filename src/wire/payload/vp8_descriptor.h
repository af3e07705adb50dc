#pragma once
// Vp8Descriptor: the VP8 RTP payload descriptor (RFC 7741 §4.2), parsed and patched in place.

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::payload {

// The fields of one VP8 payload descriptor, plus where the rewritable ones sit, so a
// forwarder switching simulcast layers can keep PictureID/TL0PICIDX continuous.
struct Vp8Descriptor {
  bool nonReference = false;      // N
  bool startOfPartition = false;  // S
  uint8_t partitionIndex = 0;     // PID (3 bits)

  bool hasPictureId = false;   // I
  bool longPictureId = false;  // M: 15-bit PictureID instead of 7-bit
  uint16_t pictureId = 0;
  bool hasTl0PicIdx = false;  // L
  uint8_t tl0PicIdx = 0;
  bool hasTid = false;  // T
  uint8_t tid = 0;
  bool layerSync = false;  // Y
  bool hasKeyIdx = false;  // K
  uint8_t keyIdx = 0;

  uint8_t size = 0;             // descriptor length; the VP8 payload starts here
  uint8_t pictureIdOffset = 0;  // valid when hasPictureId
  uint8_t tl0PicIdxOffset = 0;  // valid when hasTl0PicIdx
  bool keyframeStart = false;   // first packet of a keyframe (§4.3: S=1, PID=0, P=0)

  // §4.2. Requires at least one byte of VP8 payload after the descriptor (§4.3: the
  // payload header's P bit tells whether it is a keyframe).
  static Result<Vp8Descriptor> parse(std::span<const uint8_t> rtpPayload) noexcept;

  // Overwrite PictureID (kept at its current 7- or 15-bit width, the value wrapped to it)
  // or TL0PICIDX in `rtpPayload`, the buffer this descriptor was parsed from.
  bool writePictureId(std::span<uint8_t> rtpPayload, uint16_t value) const noexcept;
  bool writeTl0PicIdx(std::span<uint8_t> rtpPayload, uint8_t value) const noexcept;
};

}  // namespace rtcgate::wire::payload
