#include "sfu/subscriber_session.h"

#include <cstring>

#include "base/byte_reader.h"
#include "base/clock.h"
#include "base/random.h"
#include "sfu/publisher_session.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/fir.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
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
    slot.emplace(kind, codec.clockRate);
    slot->ssrc = m.local->ssrc;
    slot->rtxSsrc = m.local->rtxSsrc;
    slot->pt = codec.pt;
    slot->clockRate = codec.clockRate;
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
  for (auto& t : tracks_) {
    if (!t) continue;
    t->rewriter.switchSource();  // new SSRC/sequence space, same output stream
    t->currentLayer = -1;
  }
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
    if (t->currentLayer != t->targetLayer && stream_) stream_->requestKeyframe(t->kind, t->targetLayer);
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
    if (t->currentLayer >= 0 || t->rewriter.started()) t->rewriter.switchSource();
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
  out->size = static_cast<uint32_t>(12 + payload.size());
  t->remember(outSeq, fp.rtp.sequenceNumber(), outTs, fp.layer);
  ++t->packetsSent;
  t->octetsSent += payload.size();
  ++counters_.rtpForwarded;
  (void)transport_->sendRtp(std::move(out));
}

void SubscriberSession::retransmit(OutTrack& t, uint16_t outSeq) {
  ++counters_.nacksReceived;
  auto* pub = stream_ ? stream_->publisher() : nullptr;
  const SentPacket* sent = t.lookup(outSeq);
  PacketRef src = (pub && sent) ? pub->findPacket(t.kind, sent->layer, sent->srcSeq) : PacketRef{};
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
      default:
        break;
    }
  }
}

void SubscriberSession::sendSenderReports(int64_t nowUs) {
  for (auto& t : tracks_) {
    if (!t || !t->rewriter.started()) continue;
    // RFC 3550 §6.4.1: the RTP timestamp that corresponds to the NTP time of this report.
    const int64_t elapsed = nowUs - t->rewriter.lastSendUs();
    const uint32_t rtpTs =
        t->rewriter.lastTs() + static_cast<uint32_t>(elapsed * static_cast<int64_t>(t->clockRate) / 1'000'000);
    sendRtcp([&](std::span<uint8_t> out) -> size_t {
      rtcp::SenderReport sr;
      sr.senderSsrc = t->ssrc;
      sr.ntpTime = ntpNow();
      sr.rtpTimestamp = rtpTs;
      sr.packetCount = static_cast<uint32_t>(t->packetsSent);
      sr.octetCount = static_cast<uint32_t>(t->octetsSent);
      auto n = sr.serializeTo(out);
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
  }
}

SessionInfo SubscriberSession::info(unsigned worker) const {
  SessionInfo i = Session::info(worker);
  i.layer = spec_.layer;
  return i;
}

}  // namespace rtcgate::sfu
