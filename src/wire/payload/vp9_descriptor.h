#pragma once
// Vp9Descriptor: the VP9 RTP payload descriptor (RFC 9628 §4.2), enough for forwarding.

#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::payload {

// The fields of one VP9 payload descriptor a forwarder looks at: layer indices, picture
// id and frame boundaries. The scalability structure (V) is skipped over, not decoded.
struct Vp9Descriptor {
  bool hasPictureId = false;     // I
  bool interPicture = false;     // P: inter-picture predicted
  bool hasLayerIndices = false;  // L
  bool flexible = false;         // F
  bool beginOfFrame = false;     // B
  bool endOfFrame = false;       // E
  bool hasSs = false;            // V: scalability structure present
  bool notReference = false;     // Z

  bool longPictureId = false;  // M
  uint16_t pictureId = 0;
  uint8_t tid = 0;
  bool switchingUp = false;  // U
  uint8_t sid = 0;
  bool interLayer = false;  // D
  uint8_t tl0PicIdx = 0;    // non-flexible mode only
  uint16_t size = 0;        // descriptor length, the VP9 frame data starts here

  // Start of a keyframe: not inter-picture predicted, first packet of the frame, and the
  // base spatial layer when layer indices are present.
  bool keyframeStart() const noexcept { return !interPicture && beginOfFrame && sid == 0; }

  static Result<Vp9Descriptor> parse(std::span<const uint8_t> rtpPayload) noexcept;
};

}  // namespace rtcgate::wire::payload
