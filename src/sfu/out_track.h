#pragma once
// OutTrack: what one subscriber sends for one track — its SSRCs and payload types, the
// rewriting that keeps sequence numbers, timestamps and VP8 picture ids continuous across
// source changes, which simulcast layer it forwards, and what it sent (for SRs and NACKs).

#include <array>
#include <cstdint>
#include <optional>

#include "media/rtp_rewriter.h"
#include "media/send_stream_stats.h"
#include "media/vp8_picture_rewriter.h"
#include "sfu/keyframe.h"
#include "sfu/media_kind.h"

namespace rtcgate::sfu {

// Which source packet an output sequence number carried, for answering NACKs.
struct SentPacket {
  uint16_t outSeq = 0;
  uint16_t srcSeq = 0;
  uint32_t outTs = 0;
  int8_t layer = -1;
  uint8_t source = 0;  // OutTrack::source when sent
};

struct OutTrack {
  OutTrack(MediaKind k, uint32_t outSsrc, uint32_t rate, uint16_t firstSeq, uint32_t firstTs)
      : kind(k), ssrc(outSsrc), clockRate(rate), rewriter(outSsrc, rate, firstSeq, firstTs) {}

  MediaKind kind;
  uint32_t ssrc = 0, rtxSsrc = 0;
  uint8_t pt = 0;
  std::optional<uint8_t> rtxPt;
  uint32_t clockRate = 90000;
  VideoCodec codec = VideoCodec::kOther;
  media::RtpRewriter rewriter;
  media::Vp8PictureRewriter vp8;
  media::SendStreamStats sendStats;
  uint16_t rtxSeq = 0;
  int currentLayer = -1;  // layer being forwarded (-1: waiting for a keyframe)
  int targetLayer = 0;    // layer we want; switched to on its next keyframe
  uint8_t source = 0;     // bumped at every source switch

  // Starts a new source (layer switch, new publisher) at the next packet.
  void switchSource(int64_t nowUs, int layer) noexcept {
    rewriter.switchSource(nowUs, static_cast<uint32_t>(layer));
    vp8.switchSource();
    ++source;
  }

  static constexpr size_t kSentRing = 1024;
  std::array<SentPacket, kSentRing> sent{};
  void remember(uint16_t outSeq, uint16_t srcSeq, uint32_t outTs, int layer) noexcept {
    sent[outSeq & (kSentRing - 1)] = {outSeq, srcSeq, outTs, static_cast<int8_t>(layer), source};
  }
  const SentPacket* lookup(uint16_t outSeq) const noexcept {
    const auto& s = sent[outSeq & (kSentRing - 1)];
    return s.layer >= 0 && s.outSeq == outSeq ? &s : nullptr;
  }
};

}  // namespace rtcgate::sfu
