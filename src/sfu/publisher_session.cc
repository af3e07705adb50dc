#include "sfu/publisher_session.h"

#include "base/random.h"
#include "sfu/stream.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/fir.h"
#include "wire/rtcp/pli.h"
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
  return t->layers[layer].bitrate.bps();
}

PacketRef PublisherSession::findPacket(MediaKind kind, int layer, uint16_t seq) const {
  const auto* t = track(kind);
  if (!t || layer < 0 || layer >= static_cast<int>(t->layers.size())) return {};
  return t->layers[layer].find(seq);
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
    if (rtx) l.rtxSsrc = pkt.ssrc();
    else l.ssrc = pkt.ssrc();
    routes_.push_back({pkt.ssrc(), uint8_t(t), uint8_t(layer), rtx});
    if (!rtx) l.keyframeWanted = true;  // first packets of a new stream: ask for a keyframe
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
  ++layer.packets;
  layer.bitrate.add(packet->size);
  const bool keyframe = track.kind == MediaKind::kVideo && isKeyframeStart(track.videoCodec, pkt.payload());
  if (keyframe) {
    layer.lastKeyframeUs = packet->receivedUs;
    layer.keyframeWanted = false;
  }
  layer.history[pkt.sequenceNumber() & (PublisherLayer::kHistory - 1)] = packet;
  if (stream_) stream_->forward({track.kind, r->layer, pkt, keyframe, packet->receivedUs});
}

void PublisherSession::onTransportRtcp(transport::webrtc::WebRtcTransport&, PacketRef /*packet*/) {
  // Sender reports and SDES from the publisher: used for receive statistics (next step).
}

void PublisherSession::requestKeyframe(MediaKind kind, int layer) {
  for (auto& t : tracks_) {
    if (t.kind != kind || layer < 0 || layer >= static_cast<int>(t.layers.size())) continue;
    t.layers[layer].keyframeWanted = true;
  }
}

void PublisherSession::sendKeyframeRequests(int64_t nowUs) {
  for (auto& t : tracks_) {
    for (auto& l : t.layers) {
      // At most one request per 300 ms per layer (a keyframe takes a round trip to come).
      if (!l.keyframeWanted || l.ssrc == 0 || nowUs - l.lastKeyframeRequestUs < 300'000) continue;
      l.lastKeyframeRequestUs = nowUs;
      sendRtcp([&](std::span<uint8_t> out) -> size_t {
        rtcp::Pli pli{rtcpSsrc_, l.ssrc};
        auto n = pli.serializeTo(out);
        return n.ok() ? *n : 0;
      });
      ++counters_.plisSent;
    }
  }
}

void PublisherSession::sendFeedback(int64_t /*nowUs*/) {}

void PublisherSession::sendReceiverReport(int64_t /*nowUs*/) {}

void PublisherSession::onTick(int64_t nowUs) {
  Session::onTick(nowUs);
  if (transport_->state() != transport::webrtc::TransportState::kConnected) return;
  sendKeyframeRequests(nowUs);
  if (nowUs >= nextReportUs_) {
    nextReportUs_ = nowUs + 1'000'000;
    for (auto& t : tracks_) {
      for (auto& l : t.layers) l.bitrate.sample(nowUs);
      t.rerank();
    }
    sendReceiverReport(nowUs);
  }
  if (nowUs >= nextFeedbackUs_) {
    nextFeedbackUs_ = nowUs + 50'000;
    sendFeedback(nowUs);
  }
}

std::vector<TrackInfo> PublisherSession::trackInfo() const {
  std::vector<TrackInfo> out;
  for (const auto& t : tracks_) {
    TrackInfo i;
    i.kind = std::string(mediaKindName(t.kind));
    i.codec = t.codec.name;
    for (const auto& l : t.layers) {
      i.bitrateBps += l.bitrate.bps();
      if (!l.rid.empty()) i.layers.push_back(l.rid);
    }
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace rtcgate::sfu
