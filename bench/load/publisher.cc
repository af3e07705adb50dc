#include "publisher.h"

#include <algorithm>
#include <chrono>

#include "base/byte_writer.h"

#include "base/random.h"
#include "media/vp8_packetizer.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/fir.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/sender_report.h"
#include "wire/rtp/rtp_extensions.h"
#include "wire/rtp/rtp_packet_builder.h"

namespace rtcgate::load {

namespace rtcp = wire::rtcp;
namespace rtp = wire::rtp;

namespace {
constexpr int64_t kSrIntervalUs = 1'000'000;

// RFC 3550 §4: 32.32 NTP time from the wall clock.
uint64_t ntpNow() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  const uint64_t secs = static_cast<uint64_t>(us / 1'000'000) + 2'208'988'800ull;
  const uint64_t frac = (static_cast<uint64_t>(us % 1'000'000) << 32) / 1'000'000;
  return secs << 32 | frac;
}
}  // namespace

Publisher::Publisher(PeerEnv env, PublisherSetup setup, const AnswerParams& answer)
    : ClientPeer(env), codec_(setup.codec), latency_(setup.latency), audioLevel_(setup.audioLevel) {
  if (const auto* a = answer.find("audio")) audio_ = *a;
  if (const auto* v = answer.find("video")) video_ = *v;
  if (setup.audio != nullptr && audio_.pt != 0) {
    Track t;
    t.schedule = setup.audio;
    t.ssrc = setup.audioSsrc;
    tracks_.push_back(std::move(t));
  }
  if (video_.pt != 0) {
    for (const auto& layer : setup.video) {
      Track t;
      t.schedule = layer.schedule;
      t.video = true;
      t.ssrc = layer.ssrc;
      t.rtxSsrc = layer.rtxSsrc;
      t.rid = layer.rid;
      t.latencyBase = layer.latencyBase;
      t.history.resize(2048);
      tracks_.push_back(std::move(t));
    }
  }
  for (auto& t : tracks_) {
    t.seq = static_cast<uint16_t>(randomU32());
    t.rtxSeq = static_cast<uint16_t>(randomU32());
    t.tsBase = randomU32();
  }
}

Publisher::Track* Publisher::videoTrack(uint32_t ssrc) noexcept {
  for (auto& t : tracks_)
    if (t.video && t.ssrc == ssrc) return &t;
  return nullptr;
}

void Publisher::onTick(int64_t nowUs) {
  if (!connected()) return;
  if (stats_.startedUs == 0) stats_.startedUs = nowUs;
  for (auto& t : tracks_) replay(t, nowUs);
  if (nowUs >= nextSrUs_) {
    nextSrUs_ = nowUs + kSrIntervalUs;
    sendSenderReports(nowUs);
  }
}

// Everything of this track due by now goes out in this tick (a frame's packets leave as one burst).
void Publisher::replay(Track& t, int64_t nowUs) {
  const auto& packets = t.schedule->packets;
  if (packets.empty()) return;
  if (t.t0 == 0) t.t0 = nowUs;
  while (t.t0 + static_cast<int64_t>(t.loop) * t.schedule->durationUs + packets[t.next].offsetUs <= nowUs) {
    if (packets[t.next].video == t.video) {
      if (t.video) t.history[t.seq % t.history.size()] = Sent{static_cast<uint32_t>(t.next), t.loop, t.seq, true};
      send(t, static_cast<uint32_t>(t.next), t.loop, t.seq, nowUs, false);
      ++t.seq;
    }
    if (++t.next == packets.size()) {
      t.next = 0;
      ++t.loop;
    }
  }
}

void Publisher::send(Track& t, uint32_t index, uint32_t loop, uint16_t seq, int64_t nowUs, bool retransmission) {
  const MediaSchedule& schedule = *t.schedule;
  const ScheduledPacket& p = schedule.packets[index];
  const AnswerMedia& m = t.video ? video_ : audio_;
  const uint32_t rate = t.video ? 90 : 48;  // ticks per ms
  const uint32_t loopTicks = static_cast<uint32_t>(schedule.durationUs / 1000 * rate);
  // RFC 4588 §4: a retransmission goes on the RTX stream, the original seq leading the payload.
  std::array<uint8_t, 2 + 1500> rtxPayload;
  std::span<const uint8_t> payload = p.payload;
  if (retransmission) {
    storeU16(rtxPayload.data(), seq);
    std::copy(p.payload.begin(), p.payload.end(), rtxPayload.begin() + 2);
    payload = std::span<const uint8_t>(rtxPayload.data(), p.payload.size() + 2);
  }
  rtp::RtpPacketBuilder b;
  b.setPayloadType(retransmission ? *video_.rtxPt : m.pt).setMarker(p.marker);
  b.setSequenceNumber(retransmission ? t.rtxSeq++ : seq).setSsrc(retransmission ? t.rtxSsrc : t.ssrc);
  b.setTimestamp(t.tsBase + loop * loopTicks + p.rtpOffset);
  b.setPayload(payload);
  std::array<uint8_t, 3> abs{};
  std::array<uint8_t, 2> twcc{};
  const std::array<uint8_t, 1> level{static_cast<uint8_t>((audioLevel_ < 127 ? 0x80 : 0) | (audioLevel_ & 0x7f))};
  if (m.midExtId != 0) b.addExtension(m.midExtId, rtp::sdesStringBytes(m.mid));
  if (!t.rid.empty()) {
    const uint8_t id = retransmission ? m.repairedRidExtId : m.ridExtId;
    if (id != 0) b.addExtension(id, rtp::sdesStringBytes(t.rid));
  }
  if (!t.video && m.audioLevelExtId != 0) b.addExtension(m.audioLevelExtId, level);
  if (m.absSendTimeExtId != 0) {
    rtp::writeAbsSendTime(abs, rtp::absSendTimeFromMicros(nowUs));
    b.addExtension(m.absSendTimeExtId, abs);
  }
  if (m.transportCcExtId != 0) {
    rtp::writeTransportSequence(twcc, transportSeq_++);
    b.addExtension(m.transportCcExtId, twcc);
  }
  PacketRef out = env_.pool.acquire();
  if (!out) {
    ++stats_.sendErrors;
    return;
  }
  auto n = b.serializeTo(std::span<uint8_t>(out->data(), out->tailCapacity()));
  if (!n.ok()) {
    ++stats_.sendErrors;
    return;
  }
  out->size = static_cast<uint32_t>(*n);
  if (t.video && codec_ == VideoCodec::kVp8) {
    const uint32_t pictureId = (loop * schedule.videoFrames + p.frameIndex) & 0x7fff;
    const size_t at = *n - p.payload.size();
    media::Vp8Packetizer::setPictureId(std::span<uint8_t>(out->data() + at, p.payload.size()),
                                       static_cast<uint16_t>(pictureId));
  }
  if (!transport()->sendRtp(std::move(out)).ok()) {
    ++stats_.sendErrors;
    return;
  }
  if (retransmission) {
    ++stats_.retransmitted;
    return;
  }
  if (t.video && latency_ != nullptr) latency_->markSent(t.latencyBase + index, nowUs);
  ++stats_.packets;
  ++(t.video ? stats_.videoPackets : stats_.audioPackets);
  stats_.bytes += *n;
  stats_.lastSendUs = nowUs;
  ++t.packets;
  t.bytes += *n;
}

void Publisher::retransmit(Track& t, uint16_t seq, int64_t nowUs) {
  const Sent& s = t.history[seq % t.history.size()];
  if (s.valid && s.seq == seq && video_.rtxPt && t.rtxSsrc != 0) send(t, s.index, s.loop, seq, nowUs, true);
  else ++stats_.notRetransmitted;
}

void Publisher::onRtcp(PacketRef packet, int64_t nowUs) {
  rtcp::CompoundIterator it(packet->span());
  rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    switch (ref.kind()) {
      case rtcp::RtcpKind::kNack: {
        auto nack = rtcp::Nack::parse(ref.packet);
        if (!nack.ok()) break;
        Track* t = videoTrack(nack->mediaSsrc);
        if (t == nullptr) break;
        ++stats_.nacksReceived;
        std::array<uint16_t, 17 * 16> lost{};
        const size_t n = rtcp::expandNackPairs(nack->items(), lost);
        for (size_t i = 0; i < n; ++i) retransmit(*t, lost[i], nowUs);
        break;
      }
      case rtcp::RtcpKind::kPli: {
        auto pli = rtcp::Pli::parse(ref.packet);
        if (!pli.ok()) break;
        Track* t = videoTrack(pli->mediaSsrc);
        if (t == nullptr) {  // a keyframe request for audio (or a stranger) means nothing
          ++stats_.plisIgnored;
          break;
        }
        ++stats_.plisReceived;
        jumpToNextKeyframe(*t, nowUs);
        break;
      }
      case rtcp::RtcpKind::kFir: {
        auto fir = rtcp::Fir::parse(ref.packet);
        if (!fir.ok()) break;
        ++stats_.firsReceived;
        for (const auto& entry : fir->items())
          if (Track* t = videoTrack(entry.ssrc)) jumpToNextKeyframe(*t, nowUs);
        break;
      }
      default: break;
    }
  }
}

// The clip's keyframes are fixed, so a keyframe request moves playback forward to the next
// one: the loop clock shifts so that it is due now, and RTP timestamps jump ahead with it
// (like a capture pause). At most one per kKeyframeRequestIntervalUs, as encoders limit them.
void Publisher::jumpToNextKeyframe(Track& t, int64_t nowUs) {
  constexpr int64_t kKeyframeRequestIntervalUs = 500'000;
  if (t.t0 == 0 || nowUs - t.lastKeyframeRequestUs < kKeyframeRequestIntervalUs) return;
  t.lastKeyframeRequestUs = nowUs;
  const auto& packets = t.schedule->packets;
  size_t j = t.next;
  while (j < packets.size() && !packets[j].keyframeStart) ++j;
  if (j == packets.size()) {  // none left in this loop: the next loop starts with one
    j = 0;
    ++t.loop;
  }
  t.next = j;
  t.t0 = nowUs - static_cast<int64_t>(t.loop) * t.schedule->durationUs - packets[j].offsetUs;
  ++stats_.keyframesForced;
}

void Publisher::sendSenderReports(int64_t nowUs) {
  const uint64_t ntp = ntpNow();
  for (const auto& t : tracks_) {
    if (t.t0 == 0 || t.packets == 0) continue;
    rtcp::SenderReport sr;
    sr.senderSsrc = t.ssrc;
    sr.ntpTime = ntp;
    sr.rtpTimestamp = t.tsBase + static_cast<uint32_t>((nowUs - t.t0) * (t.video ? 90 : 48) / 1000);
    sr.packetCount = static_cast<uint32_t>(t.packets);
    sr.octetCount = static_cast<uint32_t>(t.bytes);
    std::array<uint8_t, 128> buf{};
    rtcp::CompoundBuilder b(buf);
    if (b.append(sr) && transport()->sendRtcpCopy(b.data()).ok()) ++stats_.srSent;
  }
}

PublisherSetup singleLayerSetup(VideoCodec codec, const MediaSchedule& schedule, const OfferParams& offer,
                                LatencyIndex& latency) {
  PublisherSetup setup;
  setup.codec = codec;
  setup.audio = &schedule;
  setup.audioSsrc = offer.audioSsrc;
  setup.video.push_back(PublisherLayer{&schedule, offer.videoSsrc, offer.videoRtxSsrc, {}, 0});
  setup.latency = &latency;
  return setup;
}

}  // namespace rtcgate::load
