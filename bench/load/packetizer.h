#pragma once
// RTP payload formats for the load tool's publisher: VP8 (RFC 7741), H.264 (RFC 6184,
// packetization-mode 1) and Opus (RFC 7587), plus the matching depacketizers the
// subscribers and --self-test use.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rtcgate::load {

// Room left for RTP payload in a ~1200-byte datagram after header, extensions and SRTP tag.
inline constexpr size_t kMaxRtpPayload = 1100;

// One RTP payload of a frame; `marker` is set on the last packet of a video frame.
struct RtpPayload {
  std::vector<uint8_t> bytes;
  bool marker = false;
};

// RFC 7741 §4.2: 4-byte descriptor (X, S on the first packet, partition 0, 15-bit PictureID
// left 0 here and set per send with setVp8PictureId).
std::vector<RtpPayload> packetizeVp8(std::span<const uint8_t> frame, size_t maxPayload = kMaxRtpPayload);
inline constexpr size_t kVp8DescriptorSize = 4;
void setVp8PictureId(std::span<uint8_t> payload, uint16_t pictureId) noexcept;

// RFC 6184 §5.6-5.8: SPS and PPS aggregated in one STAP-A, NAL units that fit sent alone,
// larger ones split in FU-A fragments; marker on the access unit's last packet.
std::vector<RtpPayload> packetizeH264(std::span<const uint8_t> annexB, size_t maxPayload = kMaxRtpPayload);
// The NAL units of an Annex B byte stream (start codes stripped).
std::vector<std::span<const uint8_t>> splitAnnexB(std::span<const uint8_t> annexB);

// RFC 7587 §4.2: one Opus frame per packet, as is.
inline std::vector<RtpPayload> packetizeOpus(std::span<const uint8_t> frame) {
  return {RtpPayload{{frame.begin(), frame.end()}, false}};
}

// The VP8 frame bytes after the payload descriptor; empty if the descriptor is malformed.
std::span<const uint8_t> vp8FrameBytes(std::span<const uint8_t> payload) noexcept;
// True when the payload begins a VP8 keyframe (S=1, partition 0, P bit clear, RFC 7741 §4.3).
bool isVp8KeyframeStart(std::span<const uint8_t> payload) noexcept;
// True when the payload starts an IDR picture (single NAL, STAP-A holding one, or FU-A start).
bool isH264KeyframeStart(std::span<const uint8_t> payload) noexcept;

// Reassembles one frame from its payloads, in order (self-test): the VP8 frame, or the
// access unit as Annex B with 4-byte start codes. Empty on malformed input.
std::vector<uint8_t> depacketizeVp8(std::span<const RtpPayload> packets);
std::vector<uint8_t> depacketizeH264(std::span<const RtpPayload> packets);
// Annex B re-emitted with 4-byte start codes, so two streams can be compared byte-for-byte.
std::vector<uint8_t> normalizeAnnexB(std::span<const uint8_t> annexB);

}  // namespace rtcgate::load
