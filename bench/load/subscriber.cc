#include "subscriber.h"

#include <array>

#include "base/byte_reader.h"
#include "base/random.h"
#include "packetizer.h"
#include "receiver_feedback.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/sender_report.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::load {

namespace rtcp = wire::rtcp;

namespace {
constexpr int64_t kReportIntervalUs = 1'000'000;
constexpr int64_t kPliIntervalUs = 1'500'000;
}  // namespace

Subscriber::Subscriber(PeerEnv env, const AnswerParams& answer, VideoCodec codec, const LatencyIndex& latency,
                       LatencySamples& latencySink, std::atomic<uint64_t>& packetCounter)
    : ClientPeer(env), codec_(codec), latency_(latency), latencySink_(latencySink), packetCounter_(packetCounter),
      ssrc_(randomU32() | 1) {
  if (const auto* v = answer.find("video")) {
    videoPt_ = v->pt;
    if (v->rtxPt) rtxPt_ = *v->rtxPt;
  }
  if (const auto* a = answer.find("audio")) audioPt_ = a->pt;
}

SubscriberStats Subscriber::stats() const {
  SubscriberStats s = stats_;
  s.videoExpected = video_.expected();
  s.videoLost = video_.lost();
  s.audioExpected = audio_.expected();
  s.audioLost = audio_.lost();
  s.duplicates = video_.duplicates() + audio_.duplicates();
  s.recovered = video_.recovered();
  return s;
}

void Subscriber::onRtp(PacketRef packet, int64_t nowUs) {
  auto rtp = wire::rtp::RtpPacketView::parse(packet->span());
  if (!rtp.ok()) return;
  if (dropThreshold_ != 0 && rtp->payloadType() == videoPt_ && randomU32() < dropThreshold_) {
    ++stats_.simulatedDrops;
    return;
  }
  ++stats_.packets;
  stats_.bytes += packet->size;
  packetCounter_.fetch_add(1, std::memory_order_relaxed);
  if (stats_.firstMediaUs == 0) stats_.firstMediaUs = nowUs;
  const uint8_t pt = rtp->payloadType();
  if (pt == videoPt_ && videoPt_ != 0) {
    ++stats_.videoPackets;
    if (video_.onPacket(rtp->ssrc(), rtp->sequenceNumber(), rtp->timestamp(), nowUs))
      onVideo(rtp->payload(), rtp->timestamp(), nowUs);
  } else if (pt == audioPt_ && audioPt_ != 0) {
    ++stats_.audioPackets;
    audio_.onPacket(rtp->ssrc(), rtp->sequenceNumber(), rtp->timestamp(), nowUs);
  } else if (static_cast<int>(pt) == rtxPt_) {
    // RFC 4588 §4: the original sequence number leads the RTX payload.
    ++stats_.rtxPackets;
    if (rtp->payloadSize() >= 2) video_.onRetransmission(loadU16(rtp->payload().data()));
  } else {
    ++stats_.unknownPt;
  }
}

void Subscriber::onVideo(std::span<const uint8_t> payload, uint32_t ts, int64_t nowUs) {
  const bool key = isKeyframeStart(codec_, payload);
  if (key && (!sawKey_ || ts != lastKeyTs_)) {
    ++stats_.keyframes;
    if (stats_.firstKeyframeUs == 0) stats_.firstKeyframeUs = nowUs;
    sawKey_ = true;
    lastKeyTs_ = ts;
  }
  recordLatency(latency_, payload, nowUs, latencySink_);
}

void Subscriber::onRtcp(PacketRef packet, int64_t nowUs) {
  rtcp::CompoundIterator it(packet->span());
  rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    if (ref.kind() != rtcp::RtcpKind::kSr) continue;
    auto sr = rtcp::SenderReport::parse(ref.packet);
    if (!sr.ok()) continue;
    if (sr->senderSsrc == video_.ssrc()) video_.onSenderReport(sr->ntpTime, nowUs);
    if (sr->senderSsrc == audio_.ssrc()) audio_.onSenderReport(sr->ntpTime, nowUs);
  }
}

void Subscriber::onTick(int64_t nowUs) {
  if (!connected()) return;
  if (nowUs >= nextReportUs_) {
    nextReportUs_ = nowUs + kReportIntervalUs;
    sendReports(nowUs);
  }
  if (const size_t n = sendNacks(*transport(), ssrc_, video_, nowUs); n != 0) {
    ++stats_.nacksSent;
    stats_.nackedSeqs += n;
  }
  if (video_.started() && !sawKey_ && nowUs >= nextPliUs_) {
    nextPliUs_ = nowUs + kPliIntervalUs;
    stats_.plisSent += sendPli(*transport(), ssrc_, video_.ssrc());
  }
}

void Subscriber::sendReports(int64_t nowUs) {
  rtcp::ReceiverReport rr;
  rr.senderSsrc = ssrc_;
  if (video_.started()) rr.reports.add(video_.reportBlock(nowUs));
  if (audio_.started()) rr.reports.add(audio_.reportBlock(nowUs));
  std::array<uint8_t, 256> buf{};
  rtcp::CompoundBuilder b(buf);
  if (b.append(rr) && transport()->sendRtcpCopy(b.data()).ok()) ++stats_.rrSent;
}

}  // namespace rtcgate::load
