#pragma once
// Vp8Packetizer: cuts a VP8 frame into RTP payloads (RFC 7741 §4).

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "media/rtp_payload.h"

namespace rtcgate::media {

// Writes one frame's payloads, one at a time, into caller buffers (no allocation). Each
// payload carries a 4-byte descriptor (§4.2): X=1, S on the first packet, partition index
// 0 throughout (the whole frame is sent as if one partition, as §4.4 allows), I=1 with a
// 15-bit PictureID. Payload sizes are balanced, so no frame ends in a tiny packet.
class Vp8Packetizer {
 public:
  static constexpr size_t kDescriptorSize = 4;

  // `maxPayload` must exceed kDescriptorSize (smaller values are raised to it plus one).
  explicit Vp8Packetizer(size_t maxPayload = kDefaultMaxRtpPayload) noexcept;

  // Starts a frame; `frame` is borrowed until the last next(). PictureID keeps 15 bits.
  void setFrame(std::span<const uint8_t> frame, uint16_t pictureId) noexcept;
  size_t packetCount() const noexcept { return count_; }
  bool hasNext() const noexcept { return index_ < count_; }
  // Writes the next payload; kNoSpace if `out` is smaller than maxPayload's worth needed,
  // kState when the frame is done.
  Result<PacketizedPayload> next(std::span<uint8_t> out) noexcept;

  // Overwrites the PictureID of a payload this class wrote (for a sender that numbers
  // pictures when it sends rather than when it packetizes).
  static void setPictureId(std::span<uint8_t> payload, uint16_t pictureId) noexcept;

 private:
  std::span<const uint8_t> frame_;
  size_t maxPayload_;
  size_t count_ = 0;
  size_t index_ = 0;
  size_t offset_ = 0;
  uint16_t pictureId_ = 0;
};

}  // namespace rtcgate::media
