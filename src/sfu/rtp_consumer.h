#pragma once
// RtpConsumer: whatever takes a stream's RTP packets — a WebRTC peer's consumer today, a
// relay to another worker or node, a mixer input tomorrow. The stream hands each producer's
// packets to every consumer of that kind, which makes its own copy if it keeps or sends it.

#include <cstdint>
#include <optional>
#include <string>

#include "media/media_frame.h"
#include "sfu/media_kind.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::sfu {

// A media packet as its producer received it (RTX unwrapped), handed to every consumer.
struct ForwardedPacket {
  MediaKind kind;
  int layer;  // index into the producer's simulcast layers
  const wire::rtp::RtpPacketView& rtp;
  bool keyframeStart;
  int64_t receivedUs;
  // The payload's codec when frames can be made of it (for frame sinks); else nullopt.
  std::optional<media::MediaCodec> codec = std::nullopt;
};

class RtpConsumer {
 public:
  virtual ~RtpConsumer() = default;
  virtual MediaKind kind() const noexcept = 0;
  // The peer (or relay, or mixer) the consumer belongs to: a stream counts its subscribers by it.
  virtual const std::string& ownerId() const noexcept = 0;
  // One packet of the stream's producer of this kind.
  virtual void onRtp(const ForwardedPacket& packet) = 0;
  // The stream's producer appeared, left or was replaced (new SSRC and sequence spaces).
  virtual void onSourceChanged() = 0;
  // Same producer, new quality order of its simulcast layers.
  virtual void onLayersReranked() = 0;
};

}  // namespace rtcgate::sfu
