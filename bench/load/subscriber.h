#pragma once
// Subscriber: one synthetic WHEP viewer. Counts what arrives per stream, measures added
// latency of video packets through LatencyIndex, and sends what a browser would: receiver
// reports every second, NACKs for gaps, PLI while it waits for a keyframe.

#include <atomic>
#include <cstdint>
#include <vector>

#include "client_peer.h"
#include "latency_index.h"
#include "seq_tracker.h"
#include "signaling.h"

namespace rtcgate::load {

// Final counters of one subscriber.
struct SubscriberStats {
  uint64_t packets = 0, bytes = 0, videoPackets = 0, audioPackets = 0, rtxPackets = 0, recovered = 0;
  uint64_t simulatedDrops = 0;
  uint64_t keyframes = 0, nacksSent = 0, nackedSeqs = 0, plisSent = 0, rrSent = 0, unknownPt = 0;
  uint64_t videoExpected = 0, videoLost = 0, audioExpected = 0, audioLost = 0, duplicates = 0;
  int64_t firstMediaUs = 0, firstKeyframeUs = 0;
};

class Subscriber final : public ClientPeer {
 public:
  Subscriber(PeerEnv env, const AnswerParams& answer, VideoCodec codec, const LatencyIndex& latency,
             LatencySamples& latencySink, std::atomic<uint64_t>& packetCounter);

  // Totals so far; read after the worker stopped.
  SubscriberStats stats() const;
  // Discard this fraction of arriving original video packets (simulated loss), before any
  // counting, so the server's NACK/RTX path is exercised. Set before start().
  void setSimulatedLoss(double fraction) { dropThreshold_ = static_cast<uint64_t>(fraction * 4294967296.0); }

 protected:
  void onRtp(PacketRef packet, int64_t nowUs) override;
  void onRtcp(PacketRef packet, int64_t nowUs) override;
  void onTick(int64_t nowUs) override;

 private:
  void onVideo(std::span<const uint8_t> payload, uint32_t ts, int64_t nowUs);
  void sendReports(int64_t nowUs);

  VideoCodec codec_;
  const LatencyIndex& latency_;
  LatencySamples& latencySink_;
  std::atomic<uint64_t>& packetCounter_;
  uint8_t videoPt_ = 0, audioPt_ = 0;
  int rtxPt_ = -1;
  uint32_t ssrc_;
  SeqTracker video_{90000}, audio_{48000};
  SubscriberStats stats_;
  uint32_t lastKeyTs_ = 0;
  bool sawKey_ = false;
  int64_t nextReportUs_ = 0, nextPliUs_ = 0;
  uint64_t dropThreshold_ = 0;
};

}  // namespace rtcgate::load
