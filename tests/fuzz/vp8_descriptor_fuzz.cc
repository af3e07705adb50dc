// Fuzzes the VP8 payload descriptor parser and its in-place PictureID/TL0PICIDX rewrite:
// whatever parses must stay within the input, and a rewrite must parse back to the value
// written with every other field unchanged.
#include <cstdint>
#include <span>
#include <vector>

#include "wire/payload/vp8_descriptor.h"

using rtcgate::wire::payload::Vp8Descriptor;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void checkRewrite(const Vp8Descriptor& d, std::span<const uint8_t> input) {
  std::vector<uint8_t> copy(input.begin(), input.end());
  const uint16_t newId = static_cast<uint16_t>(d.pictureId * 7 + 3);
  const auto newTl0 = static_cast<uint8_t>(d.tl0PicIdx + 1);
  check(d.writePictureId(copy, newId) == d.hasPictureId);
  check(d.writeTl0PicIdx(copy, newTl0) == d.hasTl0PicIdx);
  auto again = Vp8Descriptor::parse(copy);
  check(again.ok());
  check(again->size == d.size && again->keyframeStart == d.keyframeStart);
  check(again->longPictureId == d.longPictureId && again->tid == d.tid && again->keyIdx == d.keyIdx);
  if (d.hasPictureId) check(again->pictureId == (newId & (d.longPictureId ? 0x7fff : 0x7f)));
  if (d.hasTl0PicIdx) check(again->tl0PicIdx == newTl0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  auto d = Vp8Descriptor::parse(input);
  if (!d.ok()) return 0;
  check(d->size >= 1 && d->size < size && d->size <= 6);
  if (d->hasPictureId) check(d->pictureIdOffset + (d->longPictureId ? 2u : 1u) <= d->size);
  if (d->hasTl0PicIdx) check(d->tl0PicIdxOffset < d->size);
  checkRewrite(*d, input);
  return 0;
}
