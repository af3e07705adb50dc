#include "sfu/producer.h"

#include <algorithm>
#include <array>
#include <numeric>

#include "wire/rtcp/nack.h"
#include "wire/rtp/rtx.h"

namespace rtcgate::sfu {

namespace rtp = wire::rtp;

namespace {

// Initial quality guess from common rid names, before bitrates are known.
int ridRankGuess(const std::string& rid) {
  static const char* kLow[] = {"l", "low", "q", "0", "lo"};
  static const char* kHigh[] = {"h", "high", "f", "2", "hi"};
  for (const char* n : kLow)
    if (rid == n) return 0;
  for (const char* n : kHigh)
    if (rid == n) return 2;
  return 1;
}

std::string_view asText(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

Producer::Producer(MediaKind kind, const wire::sdp::NegotiatedMedia& media, ProducerFeedback& feedback,
                   DropCounters& drops)
    : kind_(kind),
      mid_(media.mid),
      codec_(media.codecs.empty() ? wire::sdp::NegotiatedCodec{} : media.codecs.front()),
      feedback_(feedback),
      drops_(drops) {
  codecKind_ = media::codecFromName(codec_.name);
  // The payload formats frames can be made of (media/*_depacketizer).
  using media::MediaCodec;
  if (codecKind_ == MediaCodec::kVp8 || codecKind_ == MediaCodec::kH264 || codecKind_ == MediaCodec::kOpus)
    frameCodec_ = codecKind_;
  midExt_ = media.extensionId("urn:ietf:params:rtp-hdrext:sdes:mid").value_or(0);
  ridExt_ = media.extensionId("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id").value_or(0);
  repairedRidExt_ = media.extensionId("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id").value_or(0);
  audioLevelExt_ = media.extensionId("urn:ietf:params:rtp-hdrext:ssrc-audio-level").value_or(0);
  twccExt_ = media.extensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01").value_or(0);
  if (!media.ridLayers.empty()) {
    simulcast_ = true;
    for (const auto& r : media.ridLayers)
      if (!r.paused) layers_.emplace_back(r.rid, kind_);
    // Layers whose SSRCs are announced in order (a relayed stream's SIM group, RFC 5576 §4.3).
    if (media.simGroups.size() == 1 && media.simGroups.front().size() == layers_.size()) {
      for (size_t i = 0; i < layers_.size(); ++i) {
        layers_[i].ssrc = media.simGroups.front()[i];
        layers_[i].stats.emplace(layers_[i].ssrc, codec_.clockRate);
      }
    }
  }
  if (layers_.empty()) {
    auto& l = layers_.emplace_back("", kind_);
    // Non-simulcast: the SSRCs may be announced (a=ssrc, FID group) or learned from mid.
    if (!media.remoteSsrcs.empty()) l.ssrc = media.remoteSsrcs.front().ssrc;
    for (const auto& [orig, rtx] : media.fidPairs)
      if (orig == l.ssrc) l.rtxSsrc = rtx;
    if (l.ssrc) l.stats.emplace(l.ssrc, codec_.clockRate);
  }
  byQuality_.resize(layers_.size());
  std::iota(byQuality_.begin(), byQuality_.end(), 0);
  std::stable_sort(byQuality_.begin(), byQuality_.end(),
                   [&](int a, int b) { return ridRankGuess(layers_[a].rid) < ridRankGuess(layers_[b].rid); });
}

bool Producer::rembNegotiated() const noexcept {
  for (const auto& fb : codec_.rtcpFb)
    if (fb.type == "goog-remb") return true;
  return false;
}

uint32_t Producer::firstSsrc() const noexcept {
  for (const auto& l : layers_)
    if (l.ssrc) return l.ssrc;
  return 0;
}

std::optional<Producer::Match> Producer::learn(const rtp::RtpPacketView& pkt) {
  bool matches = false;
  if (midExt_) {
    const auto mid = pkt.findExtension(midExt_);
    matches = !mid.empty() && asText(mid) == mid_;
  }
  const bool rtxPt = codec_.rtxPt && pkt.payloadType() == *codec_.rtxPt;
  if (!matches && !midExt_) matches = pkt.payloadType() == codec_.pt || rtxPt;
  if (!matches) return std::nullopt;
  Match m{0, rtxPt};
  if (simulcast_) {
    auto rid = ridExt_ ? pkt.findExtension(ridExt_) : std::span<const uint8_t>{};
    if (rid.empty() && repairedRidExt_) {
      rid = pkt.findExtension(repairedRidExt_);
      m.rtx = !rid.empty();
    }
    if (rid.empty()) return std::nullopt;
    m.layer = -1;
    for (size_t l = 0; l < layers_.size(); ++l)
      if (layers_[l].rid == asText(rid)) m.layer = static_cast<int>(l);
    if (m.layer < 0) return std::nullopt;
  }
  auto& l = layers_[m.layer];
  if (m.rtx) {
    l.rtxSsrc = pkt.ssrc();
  } else {
    l.ssrc = pkt.ssrc();
    l.stats.emplace(l.ssrc, codec_.clockRate);
  }
  return m;
}

void Producer::onRtp(PacketRef packet, const rtp::RtpPacketView& parsed, int layerIndex, bool rtx) {
  auto& layer = layers_[layerIndex];
  auto pkt = parsed;
  if (rtx) {
    // RFC 4588 §4: restore the original packet in place, then handle it like any other.
    auto len = rtp::recoverFromRtx(packet->span(), {layer.ssrc, codec_.pt}, std::span<uint8_t>(packet->data(), packet->size));
    if (!len.ok() || layer.ssrc == 0) return drops_.count(DropReason::kBadRtx);
    packet->size = static_cast<uint32_t>(*len);
    auto restored = rtp::RtpPacketView::parse(packet->span());
    if (!restored.ok()) return drops_.count(DropReason::kBadRtx);
    pkt = *restored;
  } else if (pkt.payloadType() != codec_.pt) {
    return drops_.count(DropReason::kUnnegotiatedPayload);  // e.g. RED or FEC
  }
  const int64_t now = packet->receivedUs;
  const bool keyframe = kind_ == MediaKind::kVideo && isKeyframeStart(codecKind_, pkt.payload());
  if (keyframe) {
    layer.lastKeyframeUs = now;
    layer.keyframes.onKeyframe();
    if (auto size = keyframeSize(codecKind_, pkt.payload())) layer.pixels = uint32_t{size->width} * size->height;
  }
  if (layer.stats) layer.stats->onPacket(pkt.sequenceNumber(), pkt.timestamp(), packet->size, now);
  if (layer.nack.onPacket(pkt.sequenceNumber(), keyframe, now) == media::NackGenerator::Arrival::kOld &&
      layer.history.find(pkt.sequenceNumber(), now)) {
    return drops_.count(DropReason::kDuplicate);  // a late original after its retransmission
  }
  layer.history.insert(pkt.sequenceNumber(), packet, now);
  if (!layer.newestTimestamp || static_cast<int32_t>(pkt.timestamp() - *layer.newestTimestamp) > 0)
    layer.newestTimestamp = pkt.timestamp();
  if (audioLevelExt_ && !rtx) {
    if (const auto level = pkt.findExtension(audioLevelExt_); !level.empty()) audioLevel_.onLevel(level[0], now);
  }
  if (sink_) sink_->onProducerPacket({kind_, layerIndex, pkt, keyframe, now, frameCodec_});
}

void Producer::onSenderReport(uint32_t ssrc, uint64_t ntpTime, uint32_t rtpTimestamp, int64_t nowUs) {
  for (auto& l : layers_) {
    if (!l.stats || l.ssrc != ssrc) continue;
    l.stats->onSenderReport(ntpTime, nowUs);
    l.senderClock = SenderClock{rtpTimestamp, ntpTime};
  }
}

void Producer::sendKeyframeRequests(int64_t nowUs) {
  for (auto& l : layers_)
    if (l.ssrc && l.keyframes.due(nowUs)) feedback_.sendPli(l.ssrc);
}

// RFC 4585 §6.2.1: one generic NACK per layer with everything due for a retry.
size_t Producer::sendNacks(int64_t nowUs) {
  std::array<uint16_t, wire::rtcp::Nack::kMaxPairs> lost{};
  size_t total = 0;
  for (auto& l : layers_) {
    if (!l.ssrc) continue;
    if (l.nack.takeKeyframeRequest() && l.keyframes.request(nowUs)) feedback_.sendPli(l.ssrc);
    const size_t n = l.nack.collect(nowUs, lost);
    if (n == 0) continue;
    feedback_.sendNack(l.ssrc, std::span<const uint16_t>(lost.data(), n));
    total += n;
  }
  return total;
}

void Producer::sampleBitrates(int64_t nowUs) {
  for (auto& l : layers_) {
    l.bitrateBps = l.stats ? l.stats->bitrateBps(nowUs) : 0;
    l.idleSamples = l.bitrateBps > 0 ? 0 : static_cast<uint8_t>(std::min(l.idleSamples + 1, 100));
  }
  const auto before = byQuality_;
  const auto beforeLive = live_;
  // A layer the publisher does not send (a browser sends fewer layers of a small camera
  // than it offered) is no choice for anyone; the order is among the layers that arrive.
  // Two quiet samples in a row, so a layer that pauses for a moment is not dropped from choice.
  auto arriving = [](const ProducerLayer& l) { return l.ssrc != 0 && l.stats && l.stats->started() && l.idleSamples < 2; };
  const bool allSized = std::all_of(layers_.begin(), layers_.end(),
                                    [&](const auto& l) { return !arriving(l) || l.pixels > 0; });
  // Bitrates order the layers only when every arriving one has a rate: a layer quiet for one
  // sample would otherwise sort lowest and take the low-quality players for a second.
  const bool ratesKnown = std::any_of(layers_.begin(), layers_.end(), arriving) &&
                          std::all_of(layers_.begin(), layers_.end(),
                                      [&](const auto& l) { return !arriving(l) || l.bitrateBps > 0; });
  // Resolution is stable; bitrate can cross over briefly while an encoder ramps up.
  if (allSized) {
    std::stable_sort(byQuality_.begin(), byQuality_.end(),
                     [&](int a, int b) { return layers_[a].pixels < layers_[b].pixels; });
  } else if (ratesKnown && layers_.size() > 1) {
    std::stable_sort(byQuality_.begin(), byQuality_.end(),
                     [&](int a, int b) { return layers_[a].bitrateBps < layers_[b].bitrateBps; });
  }
  live_.clear();
  for (int i : byQuality_)
    if (arriving(layers_[i])) live_.push_back(i);
  if ((byQuality_ != before || live_ != beforeLive) && sink_) sink_->onProducerLayersReranked();
}

const std::vector<int>& Producer::choices() const noexcept { return live_.empty() ? byQuality_ : live_; }

void Producer::addReportBlocks(wire::rtcp::ReceiverReport& rr, int64_t nowUs) {
  for (auto& l : layers_)
    if (l.stats && l.stats->started()) rr.reports.add(l.stats->makeReportBlock(nowUs));
}

uint64_t Producer::addToRemb(wire::rtcp::Remb& remb, int64_t nowUs) {
  if (kind_ != MediaKind::kVideo) return 0;
  uint64_t incoming = 0;
  for (auto& l : layers_) {
    if (!l.ssrc || !l.stats) continue;
    incoming += l.stats->bitrateBps(nowUs);
    if (remb.count < wire::rtcp::Remb::kMaxSsrcs) remb.ssrcs[remb.count++] = l.ssrc;
  }
  return incoming;
}

int Producer::layerFor(Quality q) const noexcept {
  const auto& order = choices();
  if (order.empty()) return 0;
  switch (q) {
    case Quality::kLow: return order.front();
    case Quality::kMedium: return order[order.size() / 2];
    case Quality::kHigh: break;
  }
  return order.back();
}

int Producer::lowerLayer(int layer) const noexcept {
  const auto& order = choices();
  for (size_t i = 1; i < order.size(); ++i)
    if (order[i] == layer) return order[i - 1];
  return layer;
}

uint64_t Producer::layerBitrate(int layer) const noexcept {
  if (layer < 0 || layer >= layerCount()) return 0;
  return layers_[layer].bitrateBps;
}

PacketRef Producer::findPacket(int layer, uint16_t seq, int64_t nowUs) const {
  if (layer < 0 || layer >= layerCount()) return {};
  return layers_[layer].history.find(seq, nowUs);
}

bool Producer::requestKeyframe(int layer, int64_t nowUs) {
  // Audio has no keyframes; a PLI would never be answered.
  if (kind_ != MediaKind::kVideo || layer < 0 || layer >= layerCount()) return false;
  auto& l = layers_[layer];
  if (!l.ssrc || !l.keyframes.request(nowUs)) return false;
  feedback_.sendPli(l.ssrc);
  return true;
}

TrackInfo Producer::info() const {
  TrackInfo i;
  i.kind = std::string(mediaKindName(kind_));
  i.codec = codec_.name;
  for (const auto& l : layers_) {
    i.bitrateBps += l.bitrateBps;
    if (!l.rid.empty()) i.layers.push_back(l.rid);
  }
  return i;
}

}  // namespace rtcgate::sfu
