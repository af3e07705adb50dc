#pragma once
// Consumer: one outgoing track of a WebRTC peer — the stream's producer of its kind, one
// simulcast layer at a time (switching only on keyframes), rewritten so the player sees one
// continuous stream across layer switches and publisher changes (SSRC, sequence number,
// timestamp, VP8 picture ids), with the negotiated payload types and header extensions
// (mid, abs-send-time, a transport-wide sequence number), retransmissions answered from
// the producer's history and sender reports.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "base/packet_buffer.h"
#include "base/result.h"
#include "media/rtp_rewriter.h"
#include "media/send_stream_stats.h"
#include "media/vp8_picture_rewriter.h"
#include "sfu/keyframe.h"
#include "sfu/media_kind.h"
#include "sfu/rtp_consumer.h"
#include "sfu/session_info.h"
#include "sfu/simulcast.h"
#include "wire/rtcp/report_block.h"
#include "wire/rtcp/sender_report.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::sfu {

class Stream;

// What a consumer needs from its peer.
class ConsumerOutput {
 public:
  virtual ~ConsumerOutput() = default;
  virtual PacketPool& pool() noexcept = 0;
  virtual bool connected() const noexcept = 0;
  virtual Status sendRtp(PacketRef packet) noexcept = 0;
  // The next transport-wide sequence number: one counter per peer, across its consumers.
  virtual uint16_t nextTransportSequence() noexcept = 0;
  virtual int64_t nowUs() const noexcept = 0;
};

// The header extensions a consumer writes, by the ids the player negotiated (0: not).
struct ConsumerExtensions {
  uint8_t mid = 0;
  uint8_t absSendTime = 0;
  uint8_t transportSequence = 0;
  static ConsumerExtensions from(const wire::sdp::NegotiatedMedia& media);
};

// Which source packet an output sequence number carried, for answering NACKs.
struct SentPacket {
  uint16_t outSeq = 0;
  uint16_t srcSeq = 0;
  uint32_t outTs = 0;
  int8_t layer = -1;
  uint8_t source = 0;  // Consumer::source_ when sent
};

class Consumer final : public RtpConsumer {
 public:
  // `media` is the section we send on (its `local` SSRCs); `firstSeq`/`firstTs` start the
  // output spaces (random in production, fixed in tests).
  Consumer(std::string ownerId, MediaKind kind, const wire::sdp::NegotiatedMedia& media, ConsumerOutput& out,
           SfuCounters& counters, uint16_t firstSeq, uint32_t firstTs, uint16_t firstRtxSeq);

  void attach(Stream* stream) noexcept { stream_ = stream; }
  Stream* stream() const noexcept { return stream_; }
  const std::string& mid() const noexcept { return mid_; }
  // Paused: nothing is forwarded (the m-line stays); resuming waits for a keyframe.
  void setPaused(bool paused);
  bool paused() const noexcept { return paused_; }
  // The player asked for another simulcast quality; taken on the next keyframe.
  void setQuality(Quality q);
  // The transport connected: pick a layer and ask the source for a keyframe.
  void onConnected();
  // The player's NACK items (our output sequence numbers).
  void onNack(std::span<const uint16_t> lost);
  // The player's PLI or FIR.
  void onKeyframeRequest();
  // A report block about our SSRC; returns the RTT it gives, in ms.
  std::optional<int64_t> onReportBlock(const wire::rtcp::ReportBlock& block, uint64_t ntpNow);
  // Our sender report, once anything was sent.
  std::optional<wire::rtcp::SenderReport> senderReport(int64_t nowUs, uint64_t ntpNow) const;
  // Video: the best layer at or below the requested quality whose bitrate fits `budgetBps`.
  void adaptLayer(int64_t budgetBps);

  // RtpConsumer
  MediaKind kind() const noexcept override { return kind_; }
  const std::string& ownerId() const noexcept override { return ownerId_; }
  void onRtp(const ForwardedPacket& packet) override;
  void onSourceChanged() override;
  void onLayersReranked() override { chooseTargetLayer(); }

  uint32_t ssrc() const noexcept { return ssrc_; }
  // A source timestamp of `layer` in this consumer's output clock, when that layer is the
  // one being forwarded (timed metadata follows what the player sees).
  std::optional<uint32_t> outputTimestamp(int layer, uint32_t sourceTs) const noexcept {
    if (layer != currentLayer_) return std::nullopt;
    return rewriter_.outputTimestamp(sourceTs);
  }
  int currentLayer() const noexcept { return currentLayer_; }
  uint32_t rtxSsrc() const noexcept { return rtxSsrc_; }
  uint8_t payloadType() const noexcept { return pt_; }

 private:
  void chooseTargetLayer();
  void retransmit(uint16_t outSeq);
  // Writes the RTP header (with our extensions) into `p` and returns its length, 0 if the
  // packet would not fit.
  size_t writeHeader(std::span<uint8_t> out, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc,
                     size_t payloadSize, int64_t nowUs);
  void remember(uint16_t outSeq, uint16_t srcSeq, uint32_t outTs, int layer) noexcept;
  const SentPacket* lookup(uint16_t outSeq) const noexcept;

  std::string ownerId_;
  MediaKind kind_;
  ConsumerOutput& out_;
  SfuCounters& counters_;
  Stream* stream_ = nullptr;
  std::string mid_;
  ConsumerExtensions ext_;
  uint32_t ssrc_ = 0, rtxSsrc_ = 0;
  uint8_t pt_ = 0;
  std::optional<uint8_t> rtxPt_;
  uint32_t clockRate_ = 90000;
  std::optional<media::MediaCodec> codec_;
  media::RtpRewriter rewriter_;
  media::Vp8PictureRewriter vp8_;
  media::SendStreamStats sendStats_;
  uint16_t rtxSeq_ = 0;
  int currentLayer_ = -1;  // layer being forwarded (-1: waiting for a keyframe)
  int targetLayer_ = 0;    // layer wanted; switched to on its next keyframe
  uint8_t source_ = 0;     // bumped at every source switch
  Quality quality_ = Quality::kHigh;
  bool paused_ = false;
  int64_t lastForwardedUs_ = 0;
  // No packet of the forwarded layer for this long while others arrive: it stopped.
  static constexpr int64_t kLayerStallUs = 300'000;
  int preferredLayer_ = 0;  // the layer of quality_; the estimate may hold the target lower

  static constexpr size_t kSentRing = 1024;
  std::array<SentPacket, kSentRing> sent_{};
};

}  // namespace rtcgate::sfu
