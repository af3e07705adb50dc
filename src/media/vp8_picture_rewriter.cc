#include "media/vp8_picture_rewriter.h"

#include "wire/payload/vp8_descriptor.h"

namespace rtcgate::media {

namespace {

constexpr uint16_t kPictureIdMask = 0x7fff;

// 15-bit serial-number order: true when `a` comes after `b`.
bool pictureNewer(uint16_t a, uint16_t b) noexcept {
  const auto d = static_cast<uint16_t>((a - b) & kPictureIdMask);
  return d != 0 && d < 0x4000;
}

}  // namespace

bool Vp8PictureRewriter::rewrite(std::span<uint8_t> rtpPayload) noexcept {
  auto d = wire::payload::Vp8Descriptor::parse(rtpPayload);
  if (!d.ok()) return false;
  // Each offset is fixed by the first packet of the new source that carries its field,
  // so that field continues at last + 1.
  if (d->hasPictureId) {
    if (pendingPictureId_) {
      pictureIdOffset_ = static_cast<uint16_t>((lastPictureId_ + 1 - d->pictureId) & kPictureIdMask);
      pendingPictureId_ = false;
    }
    const auto out = static_cast<uint16_t>((d->pictureId + pictureIdOffset_) & kPictureIdMask);
    d->writePictureId(rtpPayload, out);
    if (!havePictureId_ || pictureNewer(out, lastPictureId_)) lastPictureId_ = out;
    havePictureId_ = true;
  }
  if (d->hasTl0PicIdx) {
    if (pendingTl0_) {
      tl0Offset_ = static_cast<uint8_t>(lastTl0_ + 1 - d->tl0PicIdx);
      pendingTl0_ = false;
    }
    const auto out = static_cast<uint8_t>(d->tl0PicIdx + tl0Offset_);
    d->writeTl0PicIdx(rtpPayload, out);
    if (!haveTl0_ || static_cast<int8_t>(out - lastTl0_) > 0) lastTl0_ = out;
    haveTl0_ = true;
  }
  return true;
}

}  // namespace rtcgate::media
