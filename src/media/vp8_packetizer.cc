#include "media/vp8_packetizer.h"

#include <algorithm>
#include <cstring>

#include "base/byte_reader.h"

namespace rtcgate::media {
namespace {

// RFC 7741 §4.2: |X|R|N|S|R| PID | then |I|L|T|K| RSV | then |M| PictureID (15 bits) |.
constexpr uint8_t kX = 0x80;
constexpr uint8_t kS = 0x10;
constexpr uint8_t kI = 0x80;
constexpr uint16_t kM = 0x8000;

}  // namespace

Vp8Packetizer::Vp8Packetizer(size_t maxPayload) noexcept
    : maxPayload_(std::max(maxPayload, kDescriptorSize + 1)) {}

void Vp8Packetizer::setFrame(std::span<const uint8_t> frame, uint16_t pictureId) noexcept {
  frame_ = frame;
  pictureId_ = pictureId;
  const size_t room = maxPayload_ - kDescriptorSize;
  count_ = std::max<size_t>(1, (frame.size() + room - 1) / room);
  index_ = 0;
  offset_ = 0;
}

Result<PacketizedPayload> Vp8Packetizer::next(std::span<uint8_t> out) noexcept {
  if (!hasNext()) return Error::state("vp8: frame already packetized");
  // Balanced split: the first (size % count) packets carry one byte more.
  const size_t base = frame_.size() / count_;
  const size_t n = base + (index_ < frame_.size() % count_ ? 1 : 0);
  if (out.size() < kDescriptorSize + n) return Error::noSpace("vp8: payload buffer too small");
  out[0] = static_cast<uint8_t>(kX | (index_ == 0 ? kS : 0));
  out[1] = kI;
  storeU16(&out[2], static_cast<uint16_t>(kM | (pictureId_ & 0x7fff)));
  if (n > 0) std::memcpy(out.data() + kDescriptorSize, frame_.data() + offset_, n);
  offset_ += n;
  ++index_;
  return PacketizedPayload{kDescriptorSize + n, index_ == count_};
}

void Vp8Packetizer::setPictureId(std::span<uint8_t> payload, uint16_t pictureId) noexcept {
  if (payload.size() < kDescriptorSize) return;
  storeU16(&payload[2], static_cast<uint16_t>(kM | (pictureId & 0x7fff)));
}

}  // namespace rtcgate::media
