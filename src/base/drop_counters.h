#pragma once
// DropCounters: why packets were dropped, counted per reason (exported as metrics).

#include <array>
#include <cstdint>
#include <string_view>

namespace rtcgate {

enum class DropReason : uint8_t {
  kUnknownSource,   // no session for this 5-tuple / ufrag
  kBadStun,
  kStunAuth,
  kBadDtls,
  kBadRtp,
  kBadRtcp,
  kSrtpAuth,
  kSrtpReplay,
  kNotReady,        // media before DTLS finished
  kUnknownFirstByte,
  kPoolExhausted,
  // SFU packet path: a producer's packets that are not forwarded, a consumer's that are not sent.
  kUnknownSsrc,          // no track of the peer claims the SSRC
  kUnnegotiatedPayload,  // a payload type the track did not negotiate (e.g. RED, FEC)
  kBadRtx,               // an RTX packet that cannot be restored (no media SSRC yet, too short)
  kDuplicate,            // a late original after its retransmission, already forwarded
  kNoConsumerTrack,      // a consumer-side packet of a kind or layer not being sent
  kWaitingKeyframe,      // a consumer waits for a keyframe to start or switch layers
  kTooOld,               // older than what the consumer already sent
  kOversize,             // does not fit a send buffer with the consumer's header
  kNotConnected,         // a consumer's transport is not connected (yet or any more)
  // ICE-TCP: a datagram for a TCP path whose connection is gone, or whose send buffer is full.
  kTcpClosed,
  kTcpBacklog,
  kCount,
};

constexpr std::string_view dropReasonName(DropReason r) noexcept {
  switch (r) {
    case DropReason::kUnknownSource: return "unknown_source";
    case DropReason::kBadStun: return "bad_stun";
    case DropReason::kStunAuth: return "stun_auth";
    case DropReason::kBadDtls: return "bad_dtls";
    case DropReason::kBadRtp: return "bad_rtp";
    case DropReason::kBadRtcp: return "bad_rtcp";
    case DropReason::kSrtpAuth: return "srtp_auth";
    case DropReason::kSrtpReplay: return "srtp_replay";
    case DropReason::kNotReady: return "not_ready";
    case DropReason::kUnknownFirstByte: return "unknown_first_byte";
    case DropReason::kPoolExhausted: return "pool_exhausted";
    case DropReason::kUnknownSsrc: return "unknown_ssrc";
    case DropReason::kUnnegotiatedPayload: return "unnegotiated_payload";
    case DropReason::kBadRtx: return "bad_rtx";
    case DropReason::kDuplicate: return "duplicate";
    case DropReason::kNoConsumerTrack: return "no_consumer_track";
    case DropReason::kWaitingKeyframe: return "waiting_keyframe";
    case DropReason::kTooOld: return "too_old";
    case DropReason::kOversize: return "oversize";
    case DropReason::kNotConnected: return "not_connected";
    case DropReason::kTcpClosed: return "tcp_closed";
    case DropReason::kTcpBacklog: return "tcp_backlog";
    case DropReason::kCount: break;
  }
  return "unknown";
}

class DropCounters {
 public:
  void count(DropReason r) noexcept { ++counts_[static_cast<size_t>(r)]; }
  void merge(const DropCounters& other) noexcept {
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  }
  uint64_t get(DropReason r) const noexcept { return counts_[static_cast<size_t>(r)]; }
  uint64_t total() const noexcept {
    uint64_t t = 0;
    for (auto c : counts_) t += c;
    return t;
  }

 private:
  std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> counts_{};
};

}  // namespace rtcgate
