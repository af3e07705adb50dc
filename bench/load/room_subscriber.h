#pragma once
// RoomSubscriber: the receiving connection of a synthetic room participant. Unlike a WHEP
// Subscriber it receives many tracks, told apart by SSRC, and the set changes with every
// renegotiation. Per track it counts what arrives (loss after NACK recovery, keyframes,
// latency through the sending publisher's LatencyIndex) and sends what a browser would:
// receiver reports, NACKs, PLI until the first keyframe. Counters are kept from the start
// of the measurement window (markWindow), so the ramp's renegotiations stay out of them.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client_peer.h"
#include "latency_index.h"
#include "seq_tracker.h"
#include "signaling.h"

namespace rtcgate::load {

// One received track as the latest negotiation describes it.
struct RoomTrack {
  uint32_t ssrc = 0, rtxSsrc = 0;
  bool video = false;
  uint8_t pt = 0;
  int rtxPt = -1;
  const LatencyIndex* latency = nullptr;  // the sending publisher's, when it is one of ours
};

// Totals over the measurement window.
struct RoomSubscriberStats {
  uint64_t packets = 0, bytes = 0, videoPackets = 0, videoBytes = 0, audioPackets = 0, rtxPackets = 0, recovered = 0;
  uint64_t videoExpected = 0, videoLost = 0, audioExpected = 0, audioLost = 0, duplicates = 0;
  uint64_t keyframes = 0, nacksSent = 0, nackedSeqs = 0, plisSent = 0, unknownSsrc = 0;
  int videoTracks = 0, audioTracks = 0;  // tracks that received media in the window
  int64_t windowUs = 0;
};

class RoomSubscriber final : public ClientPeer {
 public:
  RoomSubscriber(PeerEnv env, VideoCodec codec, LatencySamples& latencySink, std::atomic<uint64_t>& packetCounter);

  // On the loop thread: the tracks of the newest answered offer (others are forgotten).
  void setTracks(const std::vector<RoomTrack>& tracks);
  // On the loop thread: the measurement window starts now.
  void markWindow(int64_t nowUs);
  // After the worker stopped (or on the loop thread).
  RoomSubscriberStats stats(int64_t nowUs) const;

 protected:
  void onRtp(PacketRef packet, int64_t nowUs) override;
  void onRtcp(PacketRef packet, int64_t nowUs) override;
  void onTick(int64_t nowUs) override;

 private:
  struct Rx {
    RoomTrack track;
    SeqTracker seq;
    uint64_t packets = 0, bytes = 0, keyframes = 0, rtx = 0;
    uint32_t lastKeyTs = 0;
    bool sawKey = false;
    int64_t nextPliUs = 0;
    // Counters at the start of the window.
    uint64_t baseExpected = 0, baseLost = 0, basePackets = 0, baseBytes = 0, baseKeyframes = 0, baseRecovered = 0;
    uint64_t baseRtx = 0, baseDuplicates = 0;
    explicit Rx(const RoomTrack& t) : track(t), seq(t.video ? 90000 : 48000) {}
  };
  void addWindow(const Rx& rx, RoomSubscriberStats& out) const;
  void onVideo(Rx& rx, std::span<const uint8_t> payload, uint32_t ts, int64_t nowUs);
  void sendReports();

  VideoCodec codec_;
  LatencySamples& latencySink_;
  std::atomic<uint64_t>& packetCounter_;
  uint32_t ssrc_;
  std::map<uint32_t, std::unique_ptr<Rx>> bySsrc_;  // media SSRC -> track
  std::map<uint32_t, Rx*> byRtxSsrc_;
  int64_t windowStartUs_ = 0;
  int64_t nextReportUs_ = 0;
  uint64_t nacksSent_ = 0, nackedSeqs_ = 0, plisSent_ = 0, unknownSsrc_ = 0;
  uint64_t baseNacks_ = 0, baseNacked_ = 0, basePlis_ = 0, baseUnknown_ = 0;
  RoomSubscriberStats retired_;  // window totals of tracks that ended
};

}  // namespace rtcgate::load
