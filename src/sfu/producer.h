#pragma once
// Producer: one incoming track of a peer (audio or video) with its simulcast layers and the
// receive-side state its sender relies on: a retransmission history shared by every
// consumer, NACK generation, receive statistics for receiver reports, rate-limited
// keyframe requests. RTX is unwrapped here, so consumers only ever see the original stream.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/drop_counters.h"
#include "base/packet_buffer.h"
#include "media/keyframe_requester.h"
#include "media/media_frame.h"
#include "media/nack_generator.h"
#include "media/packet_history.h"
#include "media/receive_statistics.h"
#include "sfu/keyframe.h"
#include "media/audio_level_meter.h"
#include "sfu/media_kind.h"
#include "sfu/rtp_consumer.h"
#include "sfu/session_info.h"
#include "sfu/simulcast.h"
#include "sfu/stream_source.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/remb.h"
#include "wire/rtp/rtp_packet.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::sfu {

// The RTCP a producer asks its peer to send to the remote sender.
class ProducerFeedback {
 public:
  virtual ~ProducerFeedback() = default;
  virtual void sendPli(uint32_t mediaSsrc) = 0;
  virtual void sendNack(uint32_t mediaSsrc, std::span<const uint16_t> lost) = 0;
};

// Where a producer's packets go: the stream it feeds.
class ProducerSink {
 public:
  virtual ~ProducerSink() = default;
  virtual void onProducerPacket(const ForwardedPacket& packet) = 0;
  // The quality order of the producer's layers changed.
  virtual void onProducerLayersReranked() = 0;
};

// One simulcast layer (or the only stream of a non-simulcast track).
struct ProducerLayer {
  ProducerLayer(std::string r, MediaKind kind) : rid(std::move(r)), history(kind == MediaKind::kVideo ? 1024 : 256) {}

  std::string rid;
  uint32_t ssrc = 0;     // 0 until learned
  uint32_t rtxSsrc = 0;  // 0 until learned
  media::PacketHistory history;
  media::NackGenerator nack;
  media::KeyframeRequester keyframes;
  std::optional<media::ReceiveStatistics> stats;  // created with the SSRC
  int64_t lastKeyframeUs = 0;
  uint64_t bitrateBps = 0;  // sampled once per report interval
  uint32_t pixels = 0;      // width x height of the last keyframe, when the codec says
  uint8_t idleSamples = 0;  // consecutive bitrate samples with nothing received
  std::optional<SenderClock> senderClock;  // from its last sender report
  std::optional<uint32_t> newestTimestamp;  // the newest RTP timestamp received (timed metadata)
};

class Producer {
 public:
  Producer(MediaKind kind, const wire::sdp::NegotiatedMedia& media, ProducerFeedback& feedback, DropCounters& drops);

  // Where a packet of an SSRC not yet known belongs in this track (RFC 8843 §9.2 mid,
  // RFC 8852 rid / repaired-rid), recorded on the layer; nullopt when not this track's.
  struct Match {
    int layer = 0;
    bool rtx = false;
  };
  std::optional<Match> learn(const wire::rtp::RtpPacketView& packet);

  // One packet of `layer` (an RTX packet is restored in place first); forwarded to the sink
  // unless it is a duplicate, an unnegotiated payload or an RTX packet that cannot be restored.
  void onRtp(PacketRef packet, const wire::rtp::RtpPacketView& parsed, int layer, bool rtx);
  void onSenderReport(uint32_t ssrc, uint64_t ntpTime, uint32_t rtpTimestamp, int64_t nowUs);

  // Feedback due now: keyframe requests held back by the rate limit, NACKs.
  void sendKeyframeRequests(int64_t nowUs);
  // Returns the NACK items sent.
  size_t sendNacks(int64_t nowUs);
  // Samples the layers' bitrates and re-ranks them (the sink is told of a new order).
  void sampleBitrates(int64_t nowUs);
  void addReportBlocks(wire::rtcp::ReceiverReport& rr, int64_t nowUs);
  // Video only: adds its SSRCs to `remb` and returns what arrives, in bit/s.
  uint64_t addToRemb(wire::rtcp::Remb& remb, int64_t nowUs);

  // The sender's side of the track as consumers see it.
  int layerCount() const noexcept { return static_cast<int>(layers_.size()); }
  int layerFor(Quality q) const noexcept;
  int lowerLayer(int layer) const noexcept;
  uint64_t layerBitrate(int layer) const noexcept;
  PacketRef findPacket(int layer, uint16_t seq, int64_t nowUs) const;
  // Many consumers asking at once collapse into one PLI per hold-off period.
  bool requestKeyframe(int layer, int64_t nowUs);
  TrackInfo info() const;

  void setSink(ProducerSink* sink) noexcept { sink_ = sink; }
  MediaKind kind() const noexcept { return kind_; }
  const std::string& mid() const noexcept { return mid_; }
  std::optional<media::MediaCodec> codec() const noexcept { return codecKind_; }
  uint8_t twccExtension() const noexcept { return twccExt_; }
  // Audio: how loud the track is now (0-1), from RFC 6464 levels; 0 without them.
  float audioLevel(int64_t nowUs) const noexcept { return audioLevel_.level(nowUs); }
  bool rembNegotiated() const noexcept;
  const std::vector<ProducerLayer>& layers() const noexcept { return layers_; }
  // The first known media SSRC (0 while none).
  uint32_t firstSsrc() const noexcept;

 private:
  MediaKind kind_;
  std::string mid_;
  wire::sdp::NegotiatedCodec codec_;
  std::optional<media::MediaCodec> codecKind_;   // nullopt: a codec rtcgate only forwards
  std::optional<media::MediaCodec> frameCodec_;  // when frames can be made of its payloads
  uint8_t midExt_ = 0, ridExt_ = 0, repairedRidExt_ = 0, twccExt_ = 0, audioLevelExt_ = 0;
  media::AudioLevelMeter audioLevel_;
  bool simulcast_ = false;
  std::vector<ProducerLayer> layers_;
  // Layers ordered by quality, lowest first: by resolution once every layer's is known,
  // else by bitrate once every layer has one, else by rid name.
  std::vector<int> byQuality_;
  std::vector<int> live_;  // byQuality_ without the layers that do not arrive (reused buffer)
  // The layers to choose from: those that arrive, once known; else every layer.
  const std::vector<int>& choices() const noexcept;
  ProducerFeedback& feedback_;
  DropCounters& drops_;
  ProducerSink* sink_ = nullptr;
};

}  // namespace rtcgate::sfu
