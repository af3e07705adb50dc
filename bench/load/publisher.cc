#include "publisher.h"

#include <algorithm>
#include <chrono>

#include "base/byte_writer.h"

#include "base/random.h"
#include "media/vp8_packetizer.h"
#include "wire/rtcp/compound.h"
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

Publisher::Publisher(PeerEnv env, const MediaSchedule& schedule, LatencyIndex& latency, const AnswerParams& answer,
                     VideoCodec codec, uint32_t audioSsrc, uint32_t videoSsrc, uint32_t videoRtxSsrc)
    : ClientPeer(env), schedule_(schedule), latency_(latency), codec_(codec), audioSsrc_(audioSsrc),
      videoSsrc_(videoSsrc), rtxSsrc_(videoRtxSsrc), audioSeq_(static_cast<uint16_t>(randomU32())),
      videoSeq_(static_cast<uint16_t>(randomU32())), rtxSeq_(static_cast<uint16_t>(randomU32())),
      audioTsBase_(randomU32()), videoTsBase_(randomU32()) {
  if (const auto* a = answer.find("audio")) audio_ = *a;
  if (const auto* v = answer.find("video")) video_ = *v;
}

void Publisher::onTick(int64_t nowUs) {
  if (!connected() || schedule_.packets.empty()) return;
  if (t0_ == 0) {
    t0_ = nowUs;
    stats_.startedUs = nowUs;
  }
  // Everything due by now goes out in this tick (a frame's packets leave as one burst).
  while (t0_ + static_cast<int64_t>(loop_) * schedule_.durationUs + schedule_.packets[next_].offsetUs <= nowUs) {
    const auto& p = schedule_.packets[next_];
    if (p.video && (video_.pt != 0)) {
      history_[videoSeq_ % history_.size()] = Sent{static_cast<uint32_t>(next_), loop_, videoSeq_, true};
      send(static_cast<uint32_t>(next_), loop_, videoSeq_++, nowUs, false);
    } else if (!p.video && audio_.pt != 0) {
      send(static_cast<uint32_t>(next_), loop_, audioSeq_++, nowUs, false);
    }
    if (++next_ == schedule_.packets.size()) {
      next_ = 0;
      ++loop_;
    }
  }
  if (nowUs >= nextSrUs_) {
    nextSrUs_ = nowUs + kSrIntervalUs;
    sendSenderReports(nowUs);
  }
}

void Publisher::send(uint32_t index, uint32_t loop, uint16_t seq, int64_t nowUs, bool retransmission) {
  const ScheduledPacket& p = schedule_.packets[index];
  const AnswerMedia& m = p.video ? video_ : audio_;
  const uint32_t rate = p.video ? 90 : 48;  // ticks per ms
  const uint32_t loopTicks = static_cast<uint32_t>(schedule_.durationUs / 1000 * rate);
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
  b.setSequenceNumber(retransmission ? rtxSeq_++ : seq).setSsrc(retransmission ? rtxSsrc_ : p.video ? videoSsrc_ : audioSsrc_);
  b.setTimestamp((p.video ? videoTsBase_ : audioTsBase_) + loop * loopTicks + p.rtpOffset);
  b.setPayload(payload);
  std::array<uint8_t, 3> abs{};
  std::array<uint8_t, 2> twcc{};
  if (m.midExtId != 0) b.addExtension(m.midExtId, rtp::sdesStringBytes(m.mid));
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
  if (p.video && codec_ == VideoCodec::kVp8) {
    const uint32_t pictureId = (loop * schedule_.videoFrames + p.frameIndex) & 0x7fff;
    media::Vp8Packetizer::setPictureId(std::span<uint8_t>(out->data() + *n - p.payload.size(), p.payload.size()),
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
  if (p.video) latency_.markSent(index, nowUs);
  ++stats_.packets;
  ++(p.video ? stats_.videoPackets : stats_.audioPackets);
  stats_.bytes += *n;
  stats_.lastSendUs = nowUs;
}

void Publisher::retransmit(uint16_t seq, int64_t nowUs) {
  const Sent& s = history_[seq % history_.size()];
  if (s.valid && s.seq == seq && video_.rtxPt && rtxSsrc_ != 0) send(s.index, s.loop, seq, nowUs, true);
  else ++stats_.notRetransmitted;
}

void Publisher::onRtcp(PacketRef packet, int64_t nowUs) {
  rtcp::CompoundIterator it(packet->span());
  rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    switch (ref.kind()) {
      case rtcp::RtcpKind::kNack: {
        auto nack = rtcp::Nack::parse(ref.packet);
        if (!nack.ok() || nack->mediaSsrc != videoSsrc_) break;
        ++stats_.nacksReceived;
        std::array<uint16_t, 17 * 16> lost{};
        const size_t n = rtcp::expandNackPairs(nack->items(), lost);
        for (size_t i = 0; i < n; ++i) retransmit(lost[i], nowUs);
        break;
      }
      case rtcp::RtcpKind::kPli: {
        auto pli = rtcp::Pli::parse(ref.packet);
        if (!pli.ok()) break;
        if (pli->mediaSsrc != videoSsrc_) {  // a keyframe request for audio (or a stranger) means nothing
          ++stats_.plisIgnored;
          break;
        }
        ++stats_.plisReceived;
        jumpToNextKeyframe(nowUs);
        break;
      }
      case rtcp::RtcpKind::kFir:
        ++stats_.firsReceived;
        jumpToNextKeyframe(nowUs);
        break;
      default: break;
    }
  }
}

// The clip's keyframes are fixed, so a keyframe request moves playback forward to the next
// one: the loop clock shifts so that it is due now, and RTP timestamps jump ahead with it
// (like a capture pause). At most one per kKeyframeRequestIntervalUs, as encoders limit them.
void Publisher::jumpToNextKeyframe(int64_t nowUs) {
  constexpr int64_t kKeyframeRequestIntervalUs = 500'000;
  if (t0_ == 0 || nowUs - lastKeyframeRequestUs_ < kKeyframeRequestIntervalUs) return;
  lastKeyframeRequestUs_ = nowUs;
  const auto& packets = schedule_.packets;
  size_t j = next_;
  while (j < packets.size() && !packets[j].keyframeStart) ++j;
  if (j == packets.size()) {  // none left in this loop: the next loop starts with one
    j = 0;
    ++loop_;
  }
  next_ = j;
  t0_ = nowUs - static_cast<int64_t>(loop_) * schedule_.durationUs - packets[j].offsetUs;
  ++stats_.keyframesForced;
}

void Publisher::sendSenderReports(int64_t nowUs) {
  if (t0_ == 0) return;
  const uint64_t ntp = ntpNow();
  const int64_t elapsed = nowUs - t0_;
  for (bool video : {true, false}) {
    rtcp::SenderReport sr;
    sr.senderSsrc = video ? videoSsrc_ : audioSsrc_;
    sr.ntpTime = ntp;
    sr.rtpTimestamp = (video ? videoTsBase_ : audioTsBase_) + static_cast<uint32_t>(elapsed * (video ? 90 : 48) / 1000);
    sr.packetCount = static_cast<uint32_t>(video ? stats_.videoPackets : stats_.audioPackets);
    sr.octetCount = static_cast<uint32_t>(stats_.bytes);
    std::array<uint8_t, 128> buf{};
    rtcp::CompoundBuilder b(buf);
    if (b.append(sr) && transport()->sendRtcpCopy(b.data()).ok()) ++stats_.srSent;
  }
}

}  // namespace rtcgate::load
