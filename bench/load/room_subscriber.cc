#include "room_subscriber.h"

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

RoomSubscriber::RoomSubscriber(PeerEnv env, VideoCodec codec, LatencySamples& latencySink,
                               std::atomic<uint64_t>& packetCounter)
    : ClientPeer(env), codec_(codec), latencySink_(latencySink), packetCounter_(packetCounter), ssrc_(randomU32() | 1) {}

void RoomSubscriber::setTracks(const std::vector<RoomTrack>& tracks) {
  std::map<uint32_t, std::unique_ptr<Rx>> next;
  for (const auto& t : tracks) {
    if (t.ssrc == 0) continue;
    auto it = bySsrc_.find(t.ssrc);
    if (it != bySsrc_.end()) {
      it->second->track = t;
      next.emplace(t.ssrc, std::move(it->second));
      bySsrc_.erase(it);
    } else {
      next.emplace(t.ssrc, std::make_unique<Rx>(t));
    }
  }
  if (windowStartUs_ != 0)
    for (const auto& [ssrc, rx] : bySsrc_) addWindow(*rx, retired_);
  bySsrc_ = std::move(next);
  byRtxSsrc_.clear();
  for (auto& [ssrc, rx] : bySsrc_)
    if (rx->track.rtxSsrc != 0) byRtxSsrc_[rx->track.rtxSsrc] = rx.get();
}

void RoomSubscriber::markWindow(int64_t nowUs) {
  windowStartUs_ = nowUs;
  retired_ = {};
  for (auto& [ssrc, rx] : bySsrc_) {
    rx->baseExpected = rx->seq.expected();
    rx->baseLost = rx->seq.lost();
    rx->basePackets = rx->packets;
    rx->baseBytes = rx->bytes;
    rx->baseKeyframes = rx->keyframes;
    rx->baseRecovered = rx->seq.recovered();
    rx->baseRtx = rx->rtx;
    rx->baseDuplicates = rx->seq.duplicates();
  }
  baseNacks_ = nacksSent_;
  baseNacked_ = nackedSeqs_;
  basePlis_ = plisSent_;
  baseUnknown_ = unknownSsrc_;
}

void RoomSubscriber::addWindow(const Rx& rx, RoomSubscriberStats& out) const {
  const uint64_t packets = rx.packets - rx.basePackets;
  out.packets += packets;
  out.bytes += rx.bytes - rx.baseBytes;
  out.rtxPackets += rx.rtx - rx.baseRtx;
  out.recovered += rx.seq.recovered() - rx.baseRecovered;
  out.duplicates += rx.seq.duplicates() - rx.baseDuplicates;
  const uint64_t expected = rx.seq.expected() - rx.baseExpected;
  const uint64_t lost = rx.seq.lost() > rx.baseLost ? rx.seq.lost() - rx.baseLost : 0;
  if (rx.track.video) {
    out.videoPackets += packets;
    out.videoBytes += rx.bytes - rx.baseBytes;
    out.videoExpected += expected;
    out.videoLost += lost;
    out.keyframes += rx.keyframes - rx.baseKeyframes;
    out.videoTracks += packets > 0;
  } else {
    out.audioPackets += packets;
    out.audioExpected += expected;
    out.audioLost += lost;
    out.audioTracks += packets > 0;
  }
}

RoomSubscriberStats RoomSubscriber::stats(int64_t nowUs) const {
  RoomSubscriberStats s = retired_;
  for (const auto& [ssrc, rx] : bySsrc_) addWindow(*rx, s);
  s.nacksSent = nacksSent_ - baseNacks_;
  s.nackedSeqs = nackedSeqs_ - baseNacked_;
  s.plisSent = plisSent_ - basePlis_;
  s.unknownSsrc = unknownSsrc_ - baseUnknown_;
  s.windowUs = windowStartUs_ != 0 ? nowUs - windowStartUs_ : 0;
  return s;
}

void RoomSubscriber::onRtp(PacketRef packet, int64_t nowUs) {
  auto rtp = wire::rtp::RtpPacketView::parse(packet->span());
  if (!rtp.ok()) return;
  packetCounter_.fetch_add(1, std::memory_order_relaxed);
  if (auto it = bySsrc_.find(rtp->ssrc()); it != bySsrc_.end()) {
    Rx& rx = *it->second;
    if (rtp->payloadType() != rx.track.pt) return;
    ++rx.packets;
    rx.bytes += packet->size;
    if (rx.seq.onPacket(rtp->ssrc(), rtp->sequenceNumber(), rtp->timestamp(), nowUs) && rx.track.video)
      onVideo(rx, rtp->payload(), rtp->timestamp(), nowUs);
    return;
  }
  if (auto it = byRtxSsrc_.find(rtp->ssrc()); it != byRtxSsrc_.end()) {
    // RFC 4588 §4: the original sequence number leads the RTX payload.
    Rx& rx = *it->second;
    ++rx.rtx;
    if (rtp->payloadSize() >= 2) rx.seq.onRetransmission(loadU16(rtp->payload().data()));
    return;
  }
  ++unknownSsrc_;  // a track whose offer is not answered yet, or a stale one
}

void RoomSubscriber::onVideo(Rx& rx, std::span<const uint8_t> payload, uint32_t ts, int64_t nowUs) {
  if (isKeyframeStart(codec_, payload) && (!rx.sawKey || ts != rx.lastKeyTs)) {
    ++rx.keyframes;
    rx.sawKey = true;
    rx.lastKeyTs = ts;
  }
  if (windowStartUs_ != 0 && rx.track.latency != nullptr) recordLatency(*rx.track.latency, payload, nowUs, latencySink_);
}

void RoomSubscriber::onRtcp(PacketRef packet, int64_t nowUs) {
  rtcp::CompoundIterator it(packet->span());
  rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    if (ref.kind() != rtcp::RtcpKind::kSr) continue;
    auto sr = rtcp::SenderReport::parse(ref.packet);
    if (!sr.ok()) continue;
    if (auto found = bySsrc_.find(sr->senderSsrc); found != bySsrc_.end())
      found->second->seq.onSenderReport(sr->ntpTime, nowUs);
  }
}

void RoomSubscriber::onTick(int64_t nowUs) {
  if (!connected()) return;
  if (nowUs >= nextReportUs_) {
    nextReportUs_ = nowUs + kReportIntervalUs;
    sendReports();
  }
  for (auto& [ssrc, rx] : bySsrc_) {
    if (!rx->track.video) continue;
    if (const size_t n = sendNacks(*transport(), ssrc_, rx->seq, nowUs); n != 0) {
      ++nacksSent_;
      nackedSeqs_ += n;
    }
    if (rx->seq.started() && !rx->sawKey && nowUs >= rx->nextPliUs) {
      rx->nextPliUs = nowUs + kPliIntervalUs;
      plisSent_ += sendPli(*transport(), ssrc_, rx->track.ssrc);
    }
  }
}

// Up to 31 report blocks fit one RR; a room subscriber may have more tracks.
void RoomSubscriber::sendReports() {
  auto it = bySsrc_.begin();
  while (it != bySsrc_.end()) {
    rtcp::ReceiverReport rr;
    rr.senderSsrc = ssrc_;
    for (; it != bySsrc_.end() && rr.reports.count < rtcp::ReportBlockList::kMax; ++it)
      if (it->second->seq.started()) rr.reports.add(it->second->seq.reportBlock(env_.clock.nowUs()));
    if (rr.reports.count == 0) return;
    std::array<uint8_t, 1200> buf{};
    rtcp::CompoundBuilder b(buf);
    if (b.append(rr)) (void)transport()->sendRtcpCopy(b.data());
  }
}

}  // namespace rtcgate::load
