#pragma once
// MediaFrame: one encoded access unit, the currency of bridges (RTP ⇄ frame, FLV ⇄ frame).

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace rtcgate::media {

// The codecs a frame or an RTP track can carry: the one codec enum of the project.
enum class MediaCodec : uint8_t { kVp8, kVp9, kH264, kAv1, kOpus, kAac };

// The codec an SDP rtpmap or a config names ("VP8", "h264", "opus"; any case); nullopt for
// one rtcgate does not know.
std::optional<MediaCodec> codecFromName(std::string_view name) noexcept;

// One encoded access unit. Frames are not on the SFU packet path, so they own their bytes.
//
// Timestamps are microseconds on a clock that starts wherever the frame's source starts
// (the first RTP timestamp of a stream maps to 0): microseconds convert exactly enough
// both to RTP (90 kHz video, 48 kHz Opus) and to FLV (milliseconds), and no bridge has to
// know the other side's clock rate.
//
// Bitstream formats: H.264 frames are always Annex B (a 4-byte start code before every NAL
// unit), whatever the source; VP8/VP9 frames are the codec's frame as-is; AV1 frames are a
// temporal unit of OBUs with size fields (low-overhead format); Opus frames are one Opus
// packet (RFC 6716); AAC frames are raw access units (no ADTS header).
struct MediaFrame {
  MediaCodec codec = MediaCodec::kVp8;
  int64_t ptsUs = 0;  // presentation time
  int64_t dtsUs = 0;  // decode time; equals ptsUs unless the source knows better (RTP does not)
  bool keyframe = false;
  // Frames were lost right before this one: a decoder may miss a reference and want a
  // keyframe. Whether to wait for one is the consumer's choice.
  bool afterLoss = false;
  std::vector<uint8_t> data;
  // Out-of-band codec configuration, set on keyframes when known: H.264 SPS and PPS as
  // Annex B; AAC AudioSpecificConfig (ISO 14496-3 §1.6.2.1). Empty otherwise.
  std::vector<uint8_t> config;
  // Timed metadata that belongs at this frame's time (each a message as its source sent
  // it: a WebRTC publisher's 'metadata' text, or an RTMP source's {"type", "data"} JSON).
  // Shared, never copied; kept through transcoding to the frame made from this one.
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> metadata;
};

// True for the video codecs.
constexpr bool isVideo(MediaCodec c) noexcept {
  return c != MediaCodec::kOpus && c != MediaCodec::kAac;
}

// The RTP clock rate of a codec's payload format: 90 kHz for video (RFC 7741, 6184, 9628
// and the AV1 format), 48 kHz for Opus (RFC 7587 §4.1); AAC's depends on its sample rate
// (RFC 3640), so 0 here.
constexpr uint32_t rtpClockRate(MediaCodec c) noexcept {
  if (isVideo(c)) return 90'000;
  return c == MediaCodec::kOpus ? 48'000 : 0;
}

// The codec name as SDP rtpmap spells it (RFC 8866 §6.6), for logs and negotiation.
constexpr std::string_view codecName(MediaCodec c) noexcept {
  switch (c) {
    case MediaCodec::kVp8:
      return "VP8";
    case MediaCodec::kVp9:
      return "VP9";
    case MediaCodec::kH264:
      return "H264";
    case MediaCodec::kAv1:
      return "AV1";
    case MediaCodec::kOpus:
      return "opus";
    case MediaCodec::kAac:
      return "AAC";
  }
  return "?";
}

}  // namespace rtcgate::media
