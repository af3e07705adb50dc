#pragma once
// FrameTap: turns a WebRTC publisher's packets into media frames for the stream's frame
// sinks (RTMP players and pushes), on the stream's worker. Only runs while a sink exists.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "media/media_frame.h"
#include "media/opus_depacketizer.h"
#include "media/rtp_depacketizer.h"
#include "wire/rtp/rtp_packet.h"
#include "sfu/media_kind.h"

namespace rtcgate::sfu {

struct ForwardedPacket;
class PacketLookup;

// Packets are depacketized in sequence order: a packet after a gap waits (it stays in the
// publisher's history, found again through `lookup`) for the missing one, which a NACK
// usually brings back within a round trip, for at most kMaxGapWaitUs; then the gap is given
// up and the frame it broke is dropped. Without the wait every lost packet would cost a
// keyframe in a transcode fed from here.
class FrameTap {
 public:
  static constexpr int64_t kMaxGapWaitUs = 200'000;

  FrameTap();
  ~FrameTap();

  // Feeds one forwarded packet; `videoLayer` is the layer to take video from (the best).
  // Complete frames are appended to `out` with both tracks on one time base. `lookup` (may
  // be null: no waiting for retransmissions) finds packets that arrived during a gap.
  void onPacket(const ForwardedPacket& packet, int videoLayer, const PacketLookup* lookup,
                std::vector<media::MediaFrame>& out);
  // The video was reset (layer change, codec change): frames resume at a keyframe.
  bool videoNeedsKeyframe() const noexcept { return videoNeedsKeyframe_; }
  // Missing packets waited for in vain (their frames were dropped).
  uint64_t gapsGivenUp() const noexcept { return gapsGivenUp_; }

 private:
  // Sequence state of one track's packets on their way to its depacketizer.
  struct Order {
    bool started = false;
    uint16_t next = 0;        // next sequence number to depacketize
    uint16_t newest = 0;      // newest seen
    int64_t gapSinceUs = 0;   // when `next` was first found missing (0: no gap)
  };
  // Hands `kind`'s packets to `feed` in order, from `p` and from the lookup.
  template <typename Feed>
  void inOrder(Order& o, const ForwardedPacket& p, const PacketLookup* lookup, Feed&& feed);

  // Frame time of `kind`: its RTP-derived time shifted so both tracks start where their
  // first packet arrived; once both tracks' sender reports are known, video is moved so
  // that audio and video captured together carry the same time (RFC 3550 §6.4.1), whatever
  // delay each had on its way here.
  void align(MediaKind kind, int64_t receivedUs, std::vector<media::MediaFrame>& frames, size_t from,
             const PacketLookup* lookup, int layer);
  // Notes the RTP timestamp of track time 0 from a frame a packet just completed.
  void noteRtpZero(MediaKind kind, uint32_t rtpTimestamp, const media::MediaFrame& completed);

  std::unique_ptr<media::RtpDepacketizer> video_;
  std::optional<media::MediaCodec> videoCodec_;
  int videoLayer_ = -1;
  std::unique_ptr<media::OpusDepacketizer> audio_;
  bool videoNeedsKeyframe_ = true;
  int64_t startUs_ = -1;
  std::optional<int64_t> offsetUs_[kMediaKinds];
  // Per track: the RTP timestamp of its time 0, and the sender's capture clock (µs of NTP
  // time) at its time 0, from a sender report.
  std::optional<uint32_t> rtpZero_[kMediaKinds];
  std::optional<int64_t> captureZeroUs_[kMediaKinds];
  bool synced_ = false;  // video moved onto the audio's capture clock
  Order order_[kMediaKinds];
  uint64_t gapsGivenUp_ = 0;
};

}  // namespace rtcgate::sfu
