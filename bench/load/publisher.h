#pragma once
// Publisher: a synthetic WebRTC sender (WHIP, or a room participant's publisher connection).
// Replays MediaSchedules in real time once connected — one audio track and one or more
// video layers (simulcast, told apart by the rtp-stream-id extension) — with the negotiated
// header extensions (mid, rid, abs-send-time, transport-wide sequence, audio level), stamps
// each video packet's send time into the LatencyIndex, answers PLI/FIR by skipping that
// layer ahead to the clip's next keyframe (as an encoder would make one), answers NACKs
// from a short history with RFC 4588 RTX and sends sender reports.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "client_peer.h"
#include "latency_index.h"
#include "media_schedule.h"
#include "signaling.h"

namespace rtcgate::load {

// One video layer to send.
struct PublisherLayer {
  const MediaSchedule* schedule = nullptr;
  uint32_t ssrc = 0, rtxSsrc = 0;
  std::string rid;           // empty: a single layer, no rid extension
  uint32_t latencyBase = 0;  // LatencyIndex position of the schedule's first packet
};

// What one publisher sends.
struct PublisherSetup {
  VideoCodec codec = VideoCodec::kVp8;
  const MediaSchedule* audio = nullptr;  // the audio packets of this schedule are sent
  uint32_t audioSsrc = 0;
  std::vector<PublisherLayer> video;
  LatencyIndex* latency = nullptr;
  // RFC 6464 level (-dBov, 127 = silence) on every audio packet, when the extension was
  // negotiated; a room ranks its active speakers by it.
  uint8_t audioLevel = 127;
};

// Final counters of the publisher.
struct PublisherStats {
  uint64_t packets = 0, bytes = 0, videoPackets = 0, audioPackets = 0, sendErrors = 0;
  uint64_t nacksReceived = 0, retransmitted = 0, notRetransmitted = 0, plisReceived = 0, firsReceived = 0, srSent = 0;
  uint64_t keyframesForced = 0, plisIgnored = 0;  // ignored: for another SSRC than our video
  int64_t startedUs = 0, lastSendUs = 0;
};

// One unlayered track sending `schedule` (audio and video) with the SSRCs of `offer`.
PublisherSetup singleLayerSetup(VideoCodec codec, const MediaSchedule& schedule, const OfferParams& offer,
                                LatencyIndex& latency);

class Publisher final : public ClientPeer {
 public:
  Publisher(PeerEnv env, PublisherSetup setup, const AnswerParams& answer);
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
  // One RTP stream being replayed: the audio, or one video layer.
  struct Track {
    const MediaSchedule* schedule = nullptr;
    bool video = false;
    uint32_t ssrc = 0, rtxSsrc = 0;
    std::string rid;
    uint32_t latencyBase = 0;
    uint16_t seq = 0, rtxSeq = 0;
    uint32_t tsBase = 0;
    size_t next = 0;  // next schedule entry
    uint32_t loop = 0;
    int64_t t0 = 0;  // when loop 0 started (moved by keyframe jumps)
    int64_t lastKeyframeRequestUs = 0;
    uint64_t packets = 0, bytes = 0;
    std::vector<Sent> history;  // video: by seq % size
  };
  void replay(Track& t, int64_t nowUs);
  void send(Track& t, uint32_t index, uint32_t loop, uint16_t seq, int64_t nowUs, bool retransmission);
  void retransmit(Track& t, uint16_t seq, int64_t nowUs);
  void sendSenderReports(int64_t nowUs);
  void jumpToNextKeyframe(Track& t, int64_t nowUs);
  Track* videoTrack(uint32_t ssrc) noexcept;

  VideoCodec codec_;
  LatencyIndex* latency_;
  uint8_t audioLevel_;
  AnswerMedia audio_, video_;
  std::vector<Track> tracks_;  // audio first (when any), then the video layers
  uint16_t transportSeq_ = 1;
  int64_t nextSrUs_ = 0;
  PublisherStats stats_;
};

}  // namespace rtcgate::load
