#pragma once
// Publisher: the synthetic WHIP sender. Replays the MediaSchedule in real time once
// connected, with the negotiated header extensions (mid, abs-send-time, transport-wide
// sequence), stamps each video packet's send time into the LatencyIndex, answers PLI/FIR
// by skipping ahead to the clip's next keyframe (as an encoder would make one), answers NACKs
// from a short history with RFC 4588 RTX and sends sender reports.

#include <array>
#include <cstdint>

#include "client_peer.h"
#include "latency_index.h"
#include "media_schedule.h"
#include "signaling.h"

namespace rtcgate::load {

// Final counters of the publisher.
struct PublisherStats {
  uint64_t packets = 0, bytes = 0, videoPackets = 0, audioPackets = 0, sendErrors = 0;
  uint64_t nacksReceived = 0, retransmitted = 0, notRetransmitted = 0, plisReceived = 0, firsReceived = 0, srSent = 0;
  uint64_t keyframesForced = 0, plisIgnored = 0;  // ignored: for another SSRC than our video
  int64_t startedUs = 0, lastSendUs = 0;
};

class Publisher final : public ClientPeer {
 public:
  Publisher(PeerEnv env, const MediaSchedule& schedule, LatencyIndex& latency, const AnswerParams& answer,
            VideoCodec codec, uint32_t audioSsrc, uint32_t videoSsrc, uint32_t videoRtxSsrc);
  const PublisherStats& stats() const noexcept { return stats_; }

 protected:
  void onRtp(PacketRef, int64_t) override {}
  void onRtcp(PacketRef packet, int64_t nowUs) override;
  void onTick(int64_t nowUs) override;

 private:
  // Where a sent video sequence number came from, to rebuild it for a NACK.
  struct Sent {
    uint32_t index = 0;
    uint32_t loop = 0;
    uint16_t seq = 0;
    bool valid = false;
  };
  void send(uint32_t index, uint32_t loop, uint16_t seq, int64_t nowUs, bool retransmission);
  void retransmit(uint16_t seq, int64_t nowUs);
  void sendSenderReports(int64_t nowUs);
  void jumpToNextKeyframe(int64_t nowUs);

  const MediaSchedule& schedule_;
  LatencyIndex& latency_;
  VideoCodec codec_;
  AnswerMedia audio_, video_;
  uint32_t audioSsrc_, videoSsrc_, rtxSsrc_;
  uint16_t audioSeq_, videoSeq_, rtxSeq_;
  uint32_t audioTsBase_, videoTsBase_;
  uint16_t transportSeq_ = 1;
  size_t next_ = 0;
  uint32_t loop_ = 0;
  int64_t t0_ = 0;
  int64_t nextSrUs_ = 0;
  int64_t lastKeyframeRequestUs_ = 0;
  uint32_t videoSentInLoop_ = 0;
  std::array<Sent, 2048> history_{};
  PublisherStats stats_;
};

}  // namespace rtcgate::load
