#include "sfu/subscriber_session.h"

#include <cstring>

#include "base/byte_reader.h"
#include "base/clock.h"
#include "base/random.h"
#include "sfu/stream_source.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/fir.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/remb.h"
#include "wire/rtcp/sender_report.h"

namespace rtcgate::sfu {

namespace rtcp = wire::rtcp;
using transport::webrtc::TransportState;

SubscriberSession::SubscriberSession(SessionHost& host, SessionSpec spec, SfuCounters& counters)
    : Session(host, std::move(spec), SessionKind::kSubscriber, counters), rtcpSsrc_(randomU32() | 1) {
  for (const auto& m : spec_.negotiated.media) {
    if (!m.local || m.codecs.empty()) continue;
    const MediaKind kind = m.kind == "audio" ? MediaKind::kAudio : MediaKind::kVideo;
    auto& slot = tracks_[kindIndex(kind)];
    if (slot) continue;
    const auto& codec = m.codecs.front();
    slot.emplace(kind, m.local->ssrc, codec.clockRate, static_cast<uint16_t>(randomU32()), randomU32());
    slot->rtxSsrc = m.local->rtxSsrc;
    slot->pt = codec.pt;
    slot->codec = kind == MediaKind::kVideo ? videoCodecFromName(codec.name) : VideoCodec::kOther;
    if (codec.rtxPt && m.local->rtxSsrc) slot->rtxPt = codec.rtxPt;
    slot->rtxSeq = static_cast<uint16_t>(randomU32());
  }
  if (spec_.layer.empty()) spec_.layer.assign(1, 'h');
}

OutTrack* SubscriberSession::outTrack(MediaKind kind) noexcept {
  auto& t = tracks_[kindIndex(kind)];
  return t ? &*t : nullptr;
}

void SubscriberSession::onConnected() {
  chooseTargetLayers();
  if (stream_) stream_->requestKeyframe(MediaKind::kVideo, tracks_[1] ? tracks_[1]->targetLayer : 0);
}

void SubscriberSession::onPublisherChanged() {
  // A new publisher: new SSRC/sequence spaces, same output stream from the next keyframe.
  for (auto& t : tracks_)
    if (t) t->currentLayer = -1;
  chooseTargetLayers();
}

void SubscriberSession::setQuality(std::string_view quality) {
  spec_.layer.assign(quality.begin(), quality.end());
  chooseTargetLayers();
}

void SubscriberSession::chooseTargetLayers() {
  auto* pub = stream_ ? stream_->publisher() : nullptr;
  for (auto& t : tracks_) {
    if (!t) continue;
    t->targetLayer = pub ? pub->layerForQuality(t->kind, t->kind == MediaKind::kAudio ? "h" : spec_.layer) : 0;
    if (t->kind == MediaKind::kVideo) preferredLayer_ = t->targetLayer;
    if (t->kind == MediaKind::kVideo && t->currentLayer != t->targetLayer && stream_)
      stream_->requestKeyframe(t->kind, t->targetLayer);
  }
}

void SubscriberSession::adaptLayer() {
  OutTrack* t = outTrack(MediaKind::kVideo);
  auto* pub = stream_ ? stream_->publisher() : nullptr;
  if (!t || !pub || pub->layerCount(MediaKind::kVideo) < 2) return;
  // The best layer at or below the preferred one whose bitrate fits the estimate.
  const int64_t budget = bwe_.estimateBps();
  int layer = preferredLayer_;
  while (true) {
    const int lower = pub->lowerLayer(MediaKind::kVideo, layer);
    if (lower == layer || static_cast<int64_t>(pub->layerBitrate(MediaKind::kVideo, layer)) <= budget) break;
    layer = lower;
  }
  if (layer != t->targetLayer) {
    t->targetLayer = layer;
    if (stream_) stream_->requestKeyframe(MediaKind::kVideo, layer);
  }
}

void SubscriberSession::sendMedia(const ForwardedPacket& fp) {
  OutTrack* t = outTrack(fp.kind);
  if (!t || transport_->state() != TransportState::kConnected) return;
  if (fp.layer != t->currentLayer) {
    if (fp.layer != t->targetLayer) return;
    if (fp.kind == MediaKind::kVideo && !fp.keyframeStart) {
      if (stream_) stream_->requestKeyframe(fp.kind, t->targetLayer);
      return;
    }
    // Switch on the first packet of a keyframe: the player sees one continuous stream.
    if (t->currentLayer >= 0) ++counters_.layerSwitches;
    t->switchSource(fp.receivedUs, fp.layer);
    t->currentLayer = fp.layer;
  }
  uint16_t outSeq = 0;
  uint32_t outTs = 0;
  if (!t->rewriter.rewrite(fp.rtp.sequenceNumber(), fp.rtp.timestamp(), fp.receivedUs, outSeq, outTs)) return;

  PacketRef out = host_.pool().acquire();
  if (!out) return;
  const auto payload = fp.rtp.payload();
  if (12 + payload.size() + 32 > out->tailCapacity()) return;
  uint8_t* p = out->data();
  p[0] = 0x80;
  p[1] = static_cast<uint8_t>((fp.rtp.marker() ? 0x80 : 0) | t->pt);
  storeU16(p + 2, outSeq);
  storeU32(p + 4, outTs);
  storeU32(p + 8, t->ssrc);
  std::memcpy(p + 12, payload.data(), payload.size());
  // VP8 picture ids must not jump when the source changes (RFC 7741 §4.2).
  if (t->codec == VideoCodec::kVp8) t->vp8.rewrite(std::span<uint8_t>(p + 12, payload.size()));
  out->size = static_cast<uint32_t>(12 + payload.size());
  t->remember(outSeq, fp.rtp.sequenceNumber(), outTs, fp.layer);
  t->sendStats.onPacketSent(outTs, payload.size(), fp.receivedUs);
  ++counters_.rtpForwarded;
  (void)transport_->sendRtp(std::move(out));
}

void SubscriberSession::retransmit(OutTrack& t, uint16_t outSeq) {
  ++counters_.nacksReceived;
  auto* pub = stream_ ? stream_->publisher() : nullptr;
  const SentPacket* sent = t.lookup(outSeq);
  // Only packets of the current source: an older one's payload ids were rewritten with
  // offsets that no longer hold, and the player has moved past it anyway.
  const bool current = sent && sent->layer == t.currentLayer && sent->source == t.source;
  PacketRef src = (pub && current) ? pub->findPacket(t.kind, sent->layer, sent->srcSeq) : PacketRef{};
  if (!src) {
    ++counters_.retransmissionsMissed;
    return;
  }
  auto parsed = wire::rtp::RtpPacketView::parse(src->span());
  if (!parsed.ok()) return;
  const auto payload = parsed->payload();
  PacketRef out = host_.pool().acquire();
  if (!out || 14 + payload.size() + 32 > out->tailCapacity()) return;
  uint8_t* p = out->data();
  size_t n = 12;
  p[0] = 0x80;
  if (t.rtxPt) {
    // RFC 4588 §4: RTX payload = original sequence number + original payload.
    p[1] = static_cast<uint8_t>((parsed->marker() ? 0x80 : 0) | *t.rtxPt);
    storeU16(p + 2, t.rtxSeq++);
    storeU32(p + 8, t.rtxSsrc);
    storeU16(p + 12, outSeq);
    n = 14;
  } else {
    p[1] = static_cast<uint8_t>((parsed->marker() ? 0x80 : 0) | t.pt);
    storeU16(p + 2, outSeq);
    storeU32(p + 8, t.ssrc);
  }
  storeU32(p + 4, sent->outTs);
  std::memcpy(p + n, payload.data(), payload.size());
  // The same picture id the player saw the first time (offsets hold within one source).
  if (t.codec == VideoCodec::kVp8) t.vp8.rewrite(std::span<uint8_t>(p + n, payload.size()));
  out->size = static_cast<uint32_t>(n + payload.size());
  ++counters_.retransmissionsSent;
  (void)transport_->sendRtp(std::move(out));
}

void SubscriberSession::onTransportRtp(transport::webrtc::WebRtcTransport&, PacketRef) {
  // A WHEP player sends no media (recvonly); ignore anything it sends.
}

void SubscriberSession::onTransportRtcp(transport::webrtc::WebRtcTransport&, PacketRef packet) {
  rtcp::CompoundIterator it(packet->span());
  rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    switch (ref.kind()) {
      case rtcp::RtcpKind::kNack: {
        auto nack = rtcp::Nack::parse(ref.packet);
        if (!nack.ok()) break;
        for (auto& t : tracks_) {
          if (!t || t->ssrc != nack->mediaSsrc) continue;
          std::array<uint16_t, 17 * 64> lost{};
          const size_t n = rtcp::expandNackPairs(nack->items(), lost);
          for (size_t i = 0; i < n; ++i) retransmit(*t, lost[i]);
        }
        break;
      }
      case rtcp::RtcpKind::kPli:
      case rtcp::RtcpKind::kFir: {
        ++counters_.plisReceived;
        auto* t = outTrack(MediaKind::kVideo);
        if (t && stream_) stream_->requestKeyframe(MediaKind::kVideo, t->currentLayer >= 0 ? t->currentLayer
                                                                                         : t->targetLayer);
        break;
      }
      case rtcp::RtcpKind::kRr:
      case rtcp::RtcpKind::kSr:
        onReceiverReport(ref.packet, packet->receivedUs);
        break;
      case rtcp::RtcpKind::kRemb: {
        auto remb = rtcp::Remb::parse(ref.packet);
        if (remb.ok()) bwe_.onRemb(static_cast<int64_t>(remb->bitrateBps));
        break;
      }
      default:
        break;
    }
  }
}

void SubscriberSession::onReceiverReport(std::span<const uint8_t> bytes, int64_t nowUs) {
  rtcp::ReportBlockList blocks;
  if (auto rr = rtcp::ReceiverReport::parse(bytes); rr.ok()) blocks = rr->reports;
  else if (auto sr = rtcp::SenderReport::parse(bytes); sr.ok()) blocks = sr->reports;
  else return;
  const uint64_t ntp = ntpNow();
  for (const auto& b : blocks.items()) {
    for (auto& t : tracks_) {
      if (!t || t->ssrc != b.sourceSsrc) continue;
      if (auto rtt = t->sendStats.onReportBlock(b, ntp)) bwe_.setRttMs(*rtt);
      if (t->kind == MediaKind::kVideo) bwe_.onReceiverReport(b.fractionLost, nowUs);
    }
  }
}

void SubscriberSession::sendSenderReports(int64_t nowUs) {
  for (auto& t : tracks_) {
    if (!t || !t->sendStats.sentAny()) continue;
    sendRtcp([&](std::span<uint8_t> out) -> size_t {
      auto n = t->sendStats.makeSenderReport(t->ssrc, nowUs, ntpNow(), t->clockRate).serializeTo(out);
      return n.ok() ? *n : 0;
    });
    ++counters_.senderReportsSent;
  }
}

void SubscriberSession::onTick(int64_t nowUs) {
  Session::onTick(nowUs);
  if (transport_->state() != TransportState::kConnected) return;
  if (nowUs >= nextReportUs_) {
    nextReportUs_ = nowUs + 1'000'000;
    sendSenderReports(nowUs);
    adaptLayer();
  }
}

SessionInfo SubscriberSession::info(unsigned worker) const {
  SessionInfo i = Session::info(worker);
  i.layer = spec_.layer;
  return i;
}

}  // namespace rtcgate::sfu
