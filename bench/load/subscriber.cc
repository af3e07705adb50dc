#include "subscriber.h"

#include <array>

#include "base/byte_reader.h"
#include "base/random.h"
#include "packetizer.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/sender_report.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::load {

namespace rtcp = wire::rtcp;

namespace {
constexpr int64_t kReportIntervalUs = 1'000'000;
constexpr int64_t kPliIntervalUs = 1'500'000;
constexpr int64_t kMaxLatencyUs = 5'000'000;  // anything later is a stale send time from an earlier loop
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
  if (payload.size() < LatencyIndex::kMinPayload) return;
  const auto index = latency_.lookup(LatencyIndex::key(payload));
  if (!index) return;
  const int64_t sent = latency_.sentAt(*index);
  const int64_t added = nowUs - sent;
  if (sent == 0 || added < 0 || added >= kMaxLatencyUs) return;
  latencySink_.all.push_back(static_cast<int32_t>(added));
  if (!latency_.inKeyframe(*index)) latencySink_.delta.push_back(static_cast<int32_t>(added));
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
  sendNacks(nowUs);
  if (video_.started() && !sawKey_ && nowUs >= nextPliUs_) {
    nextPliUs_ = nowUs + kPliIntervalUs;
    sendPli(nowUs);
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

// RFC 4585 §3.1: feedback goes in a compound that starts with an (empty) RR.
void Subscriber::sendNacks(int64_t nowUs) {
  std::array<uint16_t, 128> lost{};
  const size_t n = video_.takeNacks(nowUs, lost);
  if (n == 0) return;
  rtcp::ReceiverReport rr;
  rr.senderSsrc = ssrc_;
  rtcp::Nack nack;
  nack.senderSsrc = ssrc_;
  nack.mediaSsrc = video_.ssrc();
  if (!nack.setLost(std::span<const uint16_t>(lost.data(), n))) return;
  std::array<uint8_t, 1200> buf{};
  rtcp::CompoundBuilder b(buf);
  if (b.append(rr) && b.append(nack) && transport()->sendRtcpCopy(b.data()).ok()) {
    ++stats_.nacksSent;
    stats_.nackedSeqs += n;
  }
}

void Subscriber::sendPli(int64_t) {
  rtcp::ReceiverReport rr;
  rr.senderSsrc = ssrc_;
  rtcp::Pli pli;
  pli.senderSsrc = ssrc_;
  pli.mediaSsrc = video_.ssrc();
  std::array<uint8_t, 64> buf{};
  rtcp::CompoundBuilder b(buf);
  if (b.append(rr) && b.append(pli) && transport()->sendRtcpCopy(b.data()).ok()) ++stats_.plisSent;
}

}  // namespace rtcgate::load
