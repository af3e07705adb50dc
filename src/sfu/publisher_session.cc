#include "sfu/publisher_session.h"

#include <algorithm>

#include "base/random.h"
#include "sfu/stream.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/fir.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/remb.h"
#include "wire/rtcp/sender_report.h"
#include "wire/rtp/rtp_extensions.h"
#include "wire/rtp/rtx.h"

namespace rtcgate::sfu {

namespace rtp = wire::rtp;
namespace rtcp = wire::rtcp;

PublisherSession::PublisherSession(SessionHost& host, SessionSpec spec, SfuCounters& counters)
    : Session(host, std::move(spec), SessionKind::kPublisher, counters), rtcpSsrc_(randomU32() | 1) {
  bool haveAudio = false, haveVideo = false;
  for (const auto& m : spec_.negotiated.media) {
    // One track of each kind: what a WHIP publisher sends (extra sections stay unrouted).
    if (m.kind == "audio" && !haveAudio) {
      tracks_.emplace_back(MediaKind::kAudio, m);
      haveAudio = true;
    } else if (m.kind == "video" && !haveVideo) {
      tracks_.emplace_back(MediaKind::kVideo, m);
      haveVideo = true;
    }
  }
  for (const auto& t : tracks_) {
    if (!twccExt_) twccExt_ = t.twccExt;
    for (const auto& fb : t.codec.rtcpFb)
      if (fb.type == "goog-remb") remb_ = true;
  }
  for (size_t t = 0; t < tracks_.size(); ++t) {
    for (size_t l = 0; l < tracks_[t].layers.size(); ++l) {
      const auto& layer = tracks_[t].layers[l];
      if (layer.ssrc) routes_.push_back({layer.ssrc, uint8_t(t), uint8_t(l), false});
      if (layer.rtxSsrc) routes_.push_back({layer.rtxSsrc, uint8_t(t), uint8_t(l), true});
    }
  }
}

const PublisherTrack* PublisherSession::track(MediaKind kind) const {
  for (const auto& t : tracks_)
    if (t.kind == kind) return &t;
  return nullptr;
}

int PublisherSession::layerCount(MediaKind kind) const {
  const auto* t = track(kind);
  return t ? static_cast<int>(t->layers.size()) : 0;
}

int PublisherSession::layerForQuality(MediaKind kind, std::string_view quality) const {
  const auto* t = track(kind);
  if (!t || t->byQuality.empty()) return 0;
  if (quality == "l") return t->byQuality.front();
  if (quality == "m") return t->byQuality[t->byQuality.size() / 2];
  return t->byQuality.back();
}

int PublisherSession::lowerLayer(MediaKind kind, int layer) const {
  const auto* t = track(kind);
  if (!t) return layer;
  for (size_t i = 1; i < t->byQuality.size(); ++i)
    if (t->byQuality[i] == layer) return t->byQuality[i - 1];
  return layer;
}

int PublisherSession::higherLayer(MediaKind kind, int layer) const {
  const auto* t = track(kind);
  if (!t) return layer;
  for (size_t i = 0; i + 1 < t->byQuality.size(); ++i)
    if (t->byQuality[i] == layer) return t->byQuality[i + 1];
  return layer;
}

uint64_t PublisherSession::layerBitrate(MediaKind kind, int layer) const {
  const auto* t = track(kind);
  if (!t || layer < 0 || layer >= static_cast<int>(t->layers.size())) return 0;
  return t->layers[layer].bitrateBps;
}

PacketRef PublisherSession::findPacket(MediaKind kind, int layer, uint16_t seq) const {
  const auto* t = track(kind);
  if (!t || layer < 0 || layer >= static_cast<int>(t->layers.size())) return {};
  return t->layers[layer].history.find(seq, host_.clock().nowUs());
}

const PublisherSession::SsrcRoute* PublisherSession::route(const rtp::RtpPacketView& pkt) {
  const uint32_t ssrc = pkt.ssrc();
  for (const auto& r : routes_)
    if (r.ssrc == ssrc) return &r;
  return learn(pkt);
}

// RFC 8843 §9.2 / RFC 8852: the first packets of an SSRC carry mid, and rid or repaired-rid.
const PublisherSession::SsrcRoute* PublisherSession::learn(const rtp::RtpPacketView& pkt) {
  if (routes_.size() >= 16) return nullptr;  // a peer inventing SSRCs gets no more state
  for (size_t t = 0; t < tracks_.size(); ++t) {
    auto& track = tracks_[t];
    bool matches = false;
    if (track.midExt) {
      const auto mid = pkt.findExtension(track.midExt);
      matches = !mid.empty() && std::string_view(reinterpret_cast<const char*>(mid.data()), mid.size()) == track.mid;
    }
    const bool rtxPt = track.codec.rtxPt && pkt.payloadType() == *track.codec.rtxPt;
    if (!matches && !track.midExt) matches = pkt.payloadType() == track.codec.pt || rtxPt;
    if (!matches) continue;
    int layer = 0;
    bool rtx = rtxPt;
    if (track.simulcast) {
      auto rid = track.ridExt ? pkt.findExtension(track.ridExt) : std::span<const uint8_t>{};
      if (rid.empty() && track.repairedRidExt) {
        rid = pkt.findExtension(track.repairedRidExt);
        rtx = !rid.empty();
      }
      if (rid.empty()) return nullptr;
      const std::string_view name(reinterpret_cast<const char*>(rid.data()), rid.size());
      layer = -1;
      for (size_t l = 0; l < track.layers.size(); ++l)
        if (track.layers[l].rid == name) layer = static_cast<int>(l);
      if (layer < 0) return nullptr;
    }
    auto& l = track.layers[layer];
    if (rtx) {
      l.rtxSsrc = pkt.ssrc();
    } else {
      l.ssrc = pkt.ssrc();
      l.stats.emplace(l.ssrc, track.codec.clockRate);
    }
    routes_.push_back({pkt.ssrc(), uint8_t(t), uint8_t(layer), rtx});
    return &routes_.back();
  }
  return nullptr;
}

void PublisherSession::onTransportRtp(transport::webrtc::WebRtcTransport&, PacketRef packet) {
  auto parsed = rtp::RtpPacketView::parse(packet->span());
  if (!parsed.ok()) return;  // the transport validated it; defensive only
  const SsrcRoute* r = route(*parsed);
  if (!r) {
    ++counters_.unknownSsrcDrops;
    return;
  }
  // Every packet with a transport-wide sequence number counts for congestion control,
  // retransmissions included (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2).
  if (twccExt_) {
    if (auto seq = rtp::readTransportSequence(parsed->findExtension(twccExt_))) twcc_.onPacket(*seq, packet->receivedUs);
  }
  auto& track = tracks_[r->track];
  auto& layer = track.layers[r->layer];
  if (r->rtx) {
    // RFC 4588 §4: restore the original packet in place, then handle it like any other.
    auto len = rtp::recoverFromRtx(packet->span(), {layer.ssrc, track.codec.pt},
                                   std::span<uint8_t>(packet->data(), packet->size));
    if (!len.ok() || layer.ssrc == 0) return;
    packet->size = static_cast<uint32_t>(*len);
    parsed = rtp::RtpPacketView::parse(packet->span());
    if (!parsed.ok()) return;
  } else if (parsed->payloadType() != track.codec.pt) {
    return;  // e.g. RED or an unnegotiated PT: not forwarded
  }
  const auto& pkt = *parsed;
  const int64_t now = packet->receivedUs;
  const bool keyframe = track.kind == MediaKind::kVideo && isKeyframeStart(track.videoCodec, pkt.payload());
  if (keyframe) {
    layer.lastKeyframeUs = now;
    layer.keyframes.onKeyframe();
    if (auto size = keyframeSize(track.videoCodec, pkt.payload())) layer.pixels = uint32_t{size->width} * size->height;
  }
  if (layer.stats) layer.stats->onPacket(pkt.sequenceNumber(), pkt.timestamp(), packet->size, now);
  if (layer.nack.onPacket(pkt.sequenceNumber(), keyframe, now) == media::NackGenerator::Arrival::kOld &&
      layer.history.find(pkt.sequenceNumber(), now)) {
    return;  // a duplicate (late original after its retransmission): already forwarded
  }
  layer.history.insert(pkt.sequenceNumber(), packet, now);
  if (stream_) stream_->forward({track.kind, r->layer, pkt, keyframe, now, track.frameCodec});
}

void PublisherSession::onTransportRtcp(transport::webrtc::WebRtcTransport&, PacketRef packet) {
  rtcp::CompoundIterator it(packet->span());
  rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    if (ref.kind() == rtcp::RtcpKind::kSr) onSenderReport(ref.packet, packet->receivedUs);
  }
}

void PublisherSession::onSenderReport(std::span<const uint8_t> bytes, int64_t nowUs) {
  auto sr = rtcp::SenderReport::parse(bytes);
  if (!sr.ok()) return;
  for (auto& t : tracks_)
    for (auto& l : t.layers)
      if (l.stats && l.ssrc == sr->senderSsrc) l.stats->onSenderReport(sr->ntpTime, nowUs);
}

void PublisherSession::requestKeyframe(MediaKind kind, int layer) {
  if (kind != MediaKind::kVideo) return;  // audio has no keyframes; a PLI would never be answered
  const int64_t now = host_.clock().nowUs();
  for (auto& t : tracks_) {
    if (t.kind != kind || layer < 0 || layer >= static_cast<int>(t.layers.size())) continue;
    auto& l = t.layers[layer];
    // Many subscribers asking at once collapse into one PLI per hold-off period.
    if (l.ssrc && l.keyframes.request(now)) sendPli(l, now);
  }
}

void PublisherSession::sendPli(PublisherLayer& l, int64_t /*nowUs*/) {
  sendRtcp([&](std::span<uint8_t> out) -> size_t {
    rtcp::Pli pli{rtcpSsrc_, l.ssrc};
    auto n = pli.serializeTo(out);
    return n.ok() ? *n : 0;
  });
  ++counters_.plisSent;
}

void PublisherSession::sendKeyframeRequests(int64_t nowUs) {
  for (auto& t : tracks_)
    for (auto& l : t.layers)
      if (l.ssrc && l.keyframes.due(nowUs)) sendPli(l, nowUs);
}

// RFC 4585 §6.2.1: one generic NACK per layer with everything due for a retry.
void PublisherSession::sendNacks(int64_t nowUs) {
  std::array<uint16_t, rtcp::Nack::kMaxPairs> lost{};
  for (auto& t : tracks_) {
    for (auto& l : t.layers) {
      if (!l.ssrc) continue;
      if (l.nack.takeKeyframeRequest() && l.keyframes.request(nowUs)) sendPli(l, nowUs);
      const size_t n = l.nack.collect(nowUs, lost);
      if (n == 0) continue;
      sendRtcp([&](std::span<uint8_t> out) -> size_t {
        rtcp::Nack nack;
        nack.senderSsrc = rtcpSsrc_;
        nack.mediaSsrc = l.ssrc;
        nack.setLost(std::span<const uint16_t>(lost.data(), n));
        auto w = nack.serializeTo(out);
        return w.ok() ? *w : 0;
      });
      counters_.nacksSent += n;
    }
  }
}

// So a browser publisher's send-side estimate can ramp up (it needs this feedback).
void PublisherSession::sendTransportFeedback(int64_t nowUs) {
  if (!twccExt_ || !twcc_.hasPending() || nowUs < twcc_.nextFeedbackDueUs()) return;
  uint32_t mediaSsrc = 0;
  for (const auto& t : tracks_)
    for (const auto& l : t.layers)
      if (!mediaSsrc && l.ssrc) mediaSsrc = l.ssrc;
  sendRtcp([&](std::span<uint8_t> out) -> size_t { return twcc_.buildFeedback(rtcpSsrc_, mediaSsrc, nowUs, out); });
  ++counters_.twccFeedbackSent;
}

// draft-alvestrand-rmcat-remb: for publishers without transport-wide CC (their own
// estimate then follows ours). We allow twice what arrives, at least 1 Mbit/s, so the
// sender can keep stepping up while the path delivers; losses show up in the RRs.
void PublisherSession::sendRemb(int64_t nowUs) {
  uint64_t incoming = 0;
  rtcp::Remb remb;
  remb.senderSsrc = rtcpSsrc_;
  for (auto& t : tracks_) {
    if (t.kind != MediaKind::kVideo) continue;
    for (auto& l : t.layers) {
      if (!l.ssrc || !l.stats) continue;
      incoming += l.stats->bitrateBps(nowUs);
      if (remb.count < rtcp::Remb::kMaxSsrcs) remb.ssrcs[remb.count++] = l.ssrc;
    }
  }
  if (remb.count == 0) return;
  remb.bitrateBps = std::clamp<uint64_t>(2 * incoming, 1'000'000, 20'000'000);
  sendRtcp([&](std::span<uint8_t> out) -> size_t {
    auto n = remb.serializeTo(out);
    return n.ok() ? *n : 0;
  });
}

// RFC 3550 §6.4.2: one receiver report with a block per received SSRC.
void PublisherSession::sendReceiverReport(int64_t nowUs) {
  sendRtcp([&](std::span<uint8_t> out) -> size_t {
    rtcp::ReceiverReport rr;
    rr.senderSsrc = rtcpSsrc_;
    for (auto& t : tracks_)
      for (auto& l : t.layers)
        if (l.stats && l.stats->started()) rr.reports.add(l.stats->makeReportBlock(nowUs));
    auto n = rr.serializeTo(out);
    return n.ok() ? *n : 0;
  });
  ++counters_.receiverReportsSent;
}

void PublisherSession::onTick(int64_t nowUs) {
  Session::onTick(nowUs);
  if (transport_->state() != transport::webrtc::TransportState::kConnected) return;
  sendKeyframeRequests(nowUs);
  sendTransportFeedback(nowUs);
  if (nowUs >= nextNackUs_) {
    nextNackUs_ = nowUs + 10'000;
    sendNacks(nowUs);
  }
  if (nowUs >= nextReportUs_) {
    nextReportUs_ = nowUs + 1'000'000;
    for (auto& t : tracks_) {
      for (auto& l : t.layers) l.bitrateBps = l.stats ? l.stats->bitrateBps(nowUs) : 0;
      if (t.rerank() && stream_) stream_->onLayersReranked();
    }
    sendReceiverReport(nowUs);
    if (remb_ && !twccExt_) sendRemb(nowUs);
  }
}

std::vector<TrackInfo> PublisherSession::trackInfo() const {
  std::vector<TrackInfo> out;
  for (const auto& t : tracks_) {
    TrackInfo i;
    i.kind = std::string(mediaKindName(t.kind));
    i.codec = t.codec.name;
    for (const auto& l : t.layers) {
      i.bitrateBps += l.bitrateBps;
      if (!l.rid.empty()) i.layers.push_back(l.rid);
    }
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace rtcgate::sfu
