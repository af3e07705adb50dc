#include "media/vp8_depacketizer.h"

#include "wire/payload/vp8_descriptor.h"

namespace rtcgate::media {

using wire::payload::Vp8Descriptor;

bool Vp8Depacketizer::startsFrame(std::span<const uint8_t> payload) const noexcept {
  auto d = Vp8Descriptor::parse(payload);
  return d.ok() && d->startOfPartition && d->partitionIndex == 0;
}

bool Vp8Depacketizer::append(std::span<const uint8_t> payload, MediaFrame& frame) {
  auto d = Vp8Descriptor::parse(payload);
  if (!d.ok()) return false;
  if (frame.data.empty()) frame.keyframe = d->keyframeStart;
  const auto bytes = payload.subspan(d->size);
  frame.data.insert(frame.data.end(), bytes.begin(), bytes.end());
  return true;
}

bool Vp8Depacketizer::finish(MediaFrame& frame) {
  // §4.3: a frame starts with its 3-byte frame tag, 10 bytes for a keyframe.
  return frame.data.size() >= (frame.keyframe ? 10u : 3u);
}

}  // namespace rtcgate::media
