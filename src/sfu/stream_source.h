#pragma once
// StreamSource: whatever feeds a Stream — a WebRTC peer's producers, or a frame publisher
// (RTMP ingest, later a mixer or a relay) — as the stream's consumers and the router see it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/packet_buffer.h"
#include "sfu/media_kind.h"
#include "sfu/session_info.h"
#include "sfu/simulcast.h"

namespace rtcgate::sfu {

// A sender's clock pairing from its last RTCP sender report (RFC 3550 §6.4.1): the RTP
// timestamp that corresponds to an NTP wall-clock time (32.32 fixed point).
struct SenderClock {
  uint32_t rtpTimestamp = 0;
  uint64_t ntpTime = 0;
};

// Where a stream's recent packets can be found again by sequence number (the publisher's
// retransmission history): for NACK answers and for putting packets back in order.
class PacketLookup {
 public:
  virtual ~PacketLookup() = default;
  // Packet of `layer` by its sequence number; null when not (or no longer) held.
  virtual PacketRef findPacket(MediaKind kind, int layer, uint16_t seq) const = 0;
  // The last sender report's clock of `layer`, once one came (lip sync of tapped frames).
  virtual std::optional<SenderClock> senderClock(MediaKind, int) const { return std::nullopt; }
};

class StreamSource : public PacketLookup {
 public:

  // The session id of the source (a WHIP session, an RTMP connection).
  virtual const std::string& sourceId() const noexcept = 0;
  // Layer index of the quality a consumer asked for.
  virtual int layerForQuality(MediaKind kind, Quality quality) const = 0;
  virtual int layerCount(MediaKind kind) const = 0;
  // Next lower layer by quality (or the same at the bottom).
  virtual int lowerLayer(MediaKind kind, int layer) const = 0;
  virtual uint64_t layerBitrate(MediaKind kind, int layer) const = 0;
  // A consumer or frame sink needs a keyframe of `layer` (rate-limited by the source).
  virtual void requestKeyframe(MediaKind kind, int layer) = 0;
  virtual std::vector<TrackInfo> trackInfo() const = 0;
  // True for sources that deliver frames (their RTP is made from them, not tapped).
  virtual bool producesFrames() const noexcept { return false; }
  // How loud its audio is now (0-1), where the source knows (RFC 6464 levels).
  virtual float audioLevel(int64_t nowUs) const noexcept {
    (void)nowUs;
    return 0.0f;
  }
  // The stream's RTP consumers came or went (a frame source packetizes only for some).
  virtual void onConsumerCountChanged(size_t count) { (void)count; }
  // Ends the source on purpose (replaced by a new publisher, closed by an operator).
  virtual void endSource(std::string_view reason) = 0;
};

}  // namespace rtcgate::sfu
