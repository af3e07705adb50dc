#pragma once
// Vp8PictureRewriter: keeps VP8 PictureID and TL0PICIDX continuous for one subscriber
// across simulcast layer switches (RFC 7741 §4.2), next to RtpRewriter's seq/timestamp.

#include <cstdint>
#include <span>

namespace rtcgate::media {

// Each simulcast layer numbers its pictures on its own; a decoder that sees the numbers
// jump at a switch assumes lost pictures. Within one source the mapping is a fixed
// offset (as in RtpRewriter); at a switch the new source continues right after the last
// picture forwarded.
class Vp8PictureRewriter {
 public:
  // The next packet starts a new source.
  void switchSource() noexcept {
    pendingPictureId_ = true;
    pendingTl0_ = true;
  }

  // Rewrites the descriptor at the start of `rtpPayload` in place. False when the payload
  // does not parse as VP8 (the caller drops or forwards it unchanged); packets without a
  // PictureID or TL0PICIDX pass with those fields untouched.
  bool rewrite(std::span<uint8_t> rtpPayload) noexcept;

  uint16_t lastPictureId() const noexcept { return lastPictureId_; }
  uint8_t lastTl0PicIdx() const noexcept { return lastTl0_; }

 private:
  uint16_t pictureIdOffset_ = 0;  // modulo 2^15
  uint16_t lastPictureId_ = 0x7fff;
  uint8_t tl0Offset_ = 0;
  uint8_t lastTl0_ = 0xff;
  bool pendingPictureId_ = true;  // the next PictureID seen fixes its offset
  bool pendingTl0_ = true;
  bool havePictureId_ = false;
  bool haveTl0_ = false;
};

}  // namespace rtcgate::media
