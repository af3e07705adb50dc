#pragma once
// Plain snapshots of sessions and streams that a worker hands to the control thread
// (admin API, metrics). Copies, never references into worker state.

#include <cstdint>
#include <string>

#include "base/drop_counters.h"
#include <vector>

namespace rtcgate::sfu {

// WebRTC publisher (WHIP) and subscriber (WHEP), RTMP publisher and player, RTMP push, and
// a room participant's subscriber connection (consumers of many streams).
// kMix publishes a mix's output stream; kMixInput takes one of its sources; kRecording
// takes a stream into a file.
enum class SessionKind : uint8_t {
  kPublisher,
  kSubscriber,
  kRtmpPublisher,
  kRtmpPlayer,
  kRtmpEgress,
  kRoomSubscriber,
  kMix,
  kMixInput,
  kRecording,
  kRelayIn,   // a stream relayed here from another node: its source on this node
  kRelayOut   // a stream relayed from here to another node
};

inline constexpr size_t kSessionKindCount = 11;

// The name the API and metrics use for a session kind.
constexpr const char* sessionKindName(SessionKind k) noexcept {
  switch (k) {
    case SessionKind::kPublisher:
      return "whip";
    case SessionKind::kSubscriber:
      return "whep";
    case SessionKind::kRtmpPublisher:
      return "rtmp-publish";
    case SessionKind::kRtmpPlayer:
      return "rtmp-play";
    case SessionKind::kRtmpEgress:
      return "rtmp-push";
    case SessionKind::kRoomSubscriber:
      return "room-subscribe";
    case SessionKind::kMix:
      return "mix";
    case SessionKind::kMixInput:
      return "mix-input";
    case SessionKind::kRecording:
      return "recording";
    case SessionKind::kRelayIn:
      return "relay-in";
    case SessionKind::kRelayOut:
      return "relay-out";
  }
  return "?";
}
// True for the kinds that feed a stream.
constexpr bool isPublisherKind(SessionKind k) noexcept {
  return k == SessionKind::kPublisher || k == SessionKind::kRtmpPublisher || k == SessionKind::kMix ||
         k == SessionKind::kRelayIn;
}

struct SessionInfo {
  std::string id;
  SessionKind kind = SessionKind::kPublisher;
  std::string stream;
  std::string state;
  std::string reason;
  unsigned worker = 0;
  int64_t createdMs = 0;
  std::string layer;  // subscribers: the simulcast layer they receive
  std::string peerNode;  // relays: the node at the other end
  uint64_t packetsIn = 0, packetsOut = 0, bytesIn = 0, bytesOut = 0;
};

struct TrackInfo {
  std::string kind;
  std::string codec;
  uint64_t bitrateBps = 0;
  std::vector<std::string> layers;
};

struct StreamInfo {
  std::string name;
  std::string publisher;
  std::vector<TrackInfo> tracks;
  unsigned subscribers = 0;
  unsigned frameSinks = 0;              // RTMP players and pushes
  std::vector<std::string> renditions;  // running transcodes, "VP8→H264"
  unsigned worker = 0;
};

// Counters of one worker's SFU, exported on /metrics.
struct SfuCounters {
  uint64_t rtpForwarded = 0;
  uint64_t nacksReceived = 0;     // NACK items from subscribers
  uint64_t retransmissionsSent = 0;
  uint64_t retransmissionsMissed = 0;  // asked for, no longer in history
  uint64_t nacksSent = 0;         // NACK items to publishers
  uint64_t plisReceived = 0;
  uint64_t plisSent = 0;
  uint64_t twccFeedbackSent = 0;
  uint64_t receiverReportsSent = 0;
  uint64_t senderReportsSent = 0;
  uint64_t layerSwitches = 0;
  uint64_t unknownSsrcDrops = 0;
  uint64_t twccFeedbackReceived = 0;  // transport-cc feedback from players
  // Data channels: messages received from peers, sent to players, not sent (a player
  // without a connected association, a full or closed channel), channels closed because
  // their player fell too far behind.
  uint64_t dataMessagesIn = 0;
  uint64_t dataMessagesOut = 0;
  uint64_t dataMessagesDropped = 0;
  uint64_t dataChannelsOverflowed = 0;
  DropCounters drops;  // the SFU packet path: producers' packets not forwarded, consumers' not sent
};

}  // namespace rtcgate::sfu
