#include "sfu/consumer.h"

#include <cstring>

#include "base/byte_writer.h"
#include "sfu/stream.h"
#include "sfu/stream_source.h"
#include "wire/rtp/rtp_extensions.h"
#include "wire/rtp/rtp_packet_builder.h"

namespace rtcgate::sfu {

namespace rtp = wire::rtp;

ConsumerExtensions ConsumerExtensions::from(const wire::sdp::NegotiatedMedia& media) {
  ConsumerExtensions e;
  e.mid = media.extensionId("urn:ietf:params:rtp-hdrext:sdes:mid").value_or(0);
  e.absSendTime = media.extensionId("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time").value_or(0);
  e.transportSequence =
      media.extensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01").value_or(0);
  return e;
}

Consumer::Consumer(std::string ownerId, MediaKind kind, const wire::sdp::NegotiatedMedia& media, ConsumerOutput& out,
                   SfuCounters& counters, uint16_t firstSeq, uint32_t firstTs, uint16_t firstRtxSeq)
    : ownerId_(std::move(ownerId)),
      kind_(kind),
      out_(out),
      counters_(counters),
      mid_(media.mid),
      ext_(ConsumerExtensions::from(media)),
      ssrc_(media.local ? media.local->ssrc : 0),
      rtxSsrc_(media.local ? media.local->rtxSsrc : 0),
      clockRate_(media.codecs.empty() ? 90000 : media.codecs.front().clockRate),
      rewriter_(ssrc_, clockRate_, firstSeq, firstTs),
      rtxSeq_(firstRtxSeq) {
  if (!media.codecs.empty()) {
    const auto& codec = media.codecs.front();
    pt_ = codec.pt;
    codec_ = media::codecFromName(codec.name);
    if (codec.rtxPt && rtxSsrc_) rtxPt_ = codec.rtxPt;
  }
}

void Consumer::setQuality(Quality q) {
  quality_ = q;
  chooseTargetLayer();
}

void Consumer::setPaused(bool paused) {
  if (paused == paused_) return;
  paused_ = paused;
  if (paused) return;
  currentLayer_ = -1;  // the player's decoder needs a keyframe to go on from
  chooseTargetLayer();
}

void Consumer::onConnected() {
  chooseTargetLayer();
  if (kind_ == MediaKind::kVideo && stream_) stream_->requestKeyframe(kind_, targetLayer_);
}

void Consumer::onSourceChanged() {
  // A new publisher: new SSRC/sequence spaces, same output stream from the next keyframe.
  currentLayer_ = -1;
  chooseTargetLayer();
}

void Consumer::chooseTargetLayer() {
  StreamSource* source = stream_ ? stream_->publisher() : nullptr;
  targetLayer_ = source ? source->layerForQuality(kind_, kind_ == MediaKind::kAudio ? Quality::kHigh : quality_) : 0;
  preferredLayer_ = targetLayer_;
  if (kind_ == MediaKind::kVideo && currentLayer_ != targetLayer_ && stream_) stream_->requestKeyframe(kind_, targetLayer_);
}

void Consumer::adaptLayer(int64_t budgetBps) {
  StreamSource* source = stream_ ? stream_->publisher() : nullptr;
  if (kind_ != MediaKind::kVideo || !source || source->layerCount(kind_) < 2) return;
  int layer = preferredLayer_;
  while (true) {
    const int lower = source->lowerLayer(kind_, layer);
    if (lower == layer || static_cast<int64_t>(source->layerBitrate(kind_, layer)) <= budgetBps) break;
    layer = lower;
  }
  if (layer != targetLayer_) {
    targetLayer_ = layer;
    if (stream_) stream_->requestKeyframe(kind_, layer);
  }
}

size_t Consumer::writeHeader(std::span<uint8_t> out, uint8_t pt, bool marker, uint16_t seq, uint32_t ts,
                             uint32_t ssrc, size_t payloadSize, int64_t nowUs) {
  rtp::RtpPacketBuilder b;
  b.setPayloadType(pt).setMarker(marker).setSequenceNumber(seq).setTimestamp(ts).setSsrc(ssrc);
  // Extension values live on this frame until serializeTo() returns.
  std::array<uint8_t, rtp::kAbsSendTimeSize> abs{};
  std::array<uint8_t, rtp::kTransportSeqSize> twcc{};
  if (ext_.mid && !mid_.empty()) b.addExtension(ext_.mid, rtp::sdesStringBytes(mid_));
  if (ext_.absSendTime) {
    rtp::writeAbsSendTime(abs, rtp::absSendTimeFromMicros(nowUs));
    b.addExtension(ext_.absSendTime, abs);
  }
  if (ext_.transportSequence) {
    rtp::writeTransportSequence(twcc, out_.nextTransportSequence());
    b.addExtension(ext_.transportSequence, twcc);
  }
  const size_t header = b.size();
  if (header + payloadSize > out.size()) return 0;
  auto n = b.serializeTo(out.first(header));
  return n.ok() ? *n : 0;
}

void Consumer::onRtp(const ForwardedPacket& fp) {
  if (paused_) return;  // asked for: not a drop
  if (!out_.connected()) return counters_.drops.count(DropReason::kNotConnected);
  if (fp.layer != currentLayer_) {
    // The layer forwarded stopped (a publisher drops its top layer when its encoder or its
    // estimate cannot keep it): take whichever layer still arrives, from its next keyframe,
    // rather than freeze until the layer order catches up.
    const bool stalled = currentLayer_ >= 0 && fp.receivedUs - lastForwardedUs_ > kLayerStallUs;
    // Another simulcast layer than the one forwarded: not for this consumer (not a drop).
    if (fp.layer != targetLayer_ && !stalled) return;
    if (kind_ == MediaKind::kVideo && !fp.keyframeStart) {
      if (stream_) stream_->requestKeyframe(kind_, fp.layer);
      return counters_.drops.count(DropReason::kWaitingKeyframe);
    }
    // Switch on the first packet of a keyframe: the player sees one continuous stream.
    if (currentLayer_ >= 0) ++counters_.layerSwitches;
    rewriter_.switchSource(fp.receivedUs, static_cast<uint32_t>(fp.layer));
    vp8_.switchSource();
    ++source_;
    currentLayer_ = fp.layer;
  }
  uint16_t outSeq = 0;
  uint32_t outTs = 0;
  if (!rewriter_.rewrite(fp.rtp.sequenceNumber(), fp.rtp.timestamp(), fp.receivedUs, outSeq, outTs))
    return counters_.drops.count(DropReason::kTooOld);
  PacketRef out = out_.pool().acquire();
  if (!out) return counters_.drops.count(DropReason::kPoolExhausted);
  const auto payload = fp.rtp.payload();
  // SRTP appends its tag (and SRTCP index) after the payload: keep room for them.
  const std::span<uint8_t> room(out->data(), out->tailCapacity() - 32);
  const size_t header = writeHeader(room, pt_, fp.rtp.marker(), outSeq, outTs, ssrc_, payload.size(), fp.receivedUs);
  if (header == 0) return counters_.drops.count(DropReason::kOversize);
  std::memcpy(out->data() + header, payload.data(), payload.size());
  // VP8 picture ids must not jump when the source changes (RFC 7741 §4.2).
  if (codec_ == media::MediaCodec::kVp8) vp8_.rewrite(std::span<uint8_t>(out->data() + header, payload.size()));
  out->size = static_cast<uint32_t>(header + payload.size());
  remember(outSeq, fp.rtp.sequenceNumber(), outTs, fp.layer);
  lastForwardedUs_ = fp.receivedUs;
  sendStats_.onPacketSent(outTs, payload.size(), fp.receivedUs);
  ++counters_.rtpForwarded;
  (void)out_.sendRtp(std::move(out));  // a failed send is counted by the transport
}

void Consumer::onNack(std::span<const uint16_t> lost) {
  for (uint16_t seq : lost) retransmit(seq);
}

void Consumer::retransmit(uint16_t outSeq) {
  ++counters_.nacksReceived;
  StreamSource* source = stream_ ? stream_->publisher() : nullptr;
  const SentPacket* sent = lookup(outSeq);
  // Only packets of the current source: an older one's payload ids were rewritten with
  // offsets that no longer hold, and the player has moved past it anyway.
  const bool current = sent && sent->layer == currentLayer_ && sent->source == source_;
  PacketRef src = (source && current) ? source->findPacket(kind_, sent->layer, sent->srcSeq) : PacketRef{};
  if (!src) {
    ++counters_.retransmissionsMissed;
    return;
  }
  auto parsed = rtp::RtpPacketView::parse(src->span());
  if (!parsed.ok()) return counters_.drops.count(DropReason::kBadRtp);
  const auto payload = parsed->payload();
  PacketRef out = out_.pool().acquire();
  if (!out) return counters_.drops.count(DropReason::kPoolExhausted);
  const std::span<uint8_t> room(out->data(), out->tailCapacity() - 32);
  const int64_t now = out_.nowUs();
  size_t header = 0;
  if (rtxPt_) {
    // RFC 4588 §4: RTX payload = original sequence number + original payload.
    header = writeHeader(room, *rtxPt_, parsed->marker(), rtxSeq_++, sent->outTs, rtxSsrc_, payload.size() + 2, now);
    if (header == 0) return counters_.drops.count(DropReason::kOversize);
    storeU16(out->data() + header, outSeq);
    header += 2;
  } else {
    header = writeHeader(room, pt_, parsed->marker(), outSeq, sent->outTs, ssrc_, payload.size(), now);
    if (header == 0) return counters_.drops.count(DropReason::kOversize);
  }
  std::memcpy(out->data() + header, payload.data(), payload.size());
  // The same picture id the player saw the first time (offsets hold within one source).
  if (codec_ == media::MediaCodec::kVp8) vp8_.rewrite(std::span<uint8_t>(out->data() + header, payload.size()));
  out->size = static_cast<uint32_t>(header + payload.size());
  ++counters_.retransmissionsSent;
  (void)out_.sendRtp(std::move(out));
}

void Consumer::onKeyframeRequest() {
  if (kind_ == MediaKind::kVideo && stream_) stream_->requestKeyframe(kind_, currentLayer_ >= 0 ? currentLayer_ : targetLayer_);
}

std::optional<int64_t> Consumer::onReportBlock(const wire::rtcp::ReportBlock& block, uint64_t ntpNow) {
  return sendStats_.onReportBlock(block, ntpNow);
}

std::optional<wire::rtcp::SenderReport> Consumer::senderReport(int64_t nowUs, uint64_t ntpNow) const {
  if (!sendStats_.sentAny()) return std::nullopt;
  return sendStats_.makeSenderReport(ssrc_, nowUs, ntpNow, clockRate_);
}

void Consumer::remember(uint16_t outSeq, uint16_t srcSeq, uint32_t outTs, int layer) noexcept {
  sent_[outSeq & (kSentRing - 1)] = {outSeq, srcSeq, outTs, static_cast<int8_t>(layer), source_};
}

const SentPacket* Consumer::lookup(uint16_t outSeq) const noexcept {
  const auto& s = sent_[outSeq & (kSentRing - 1)];
  return s.layer >= 0 && s.outSeq == outSeq ? &s : nullptr;
}

}  // namespace rtcgate::sfu
