#pragma once
// OutTrack: what one subscriber sends for one track — its SSRCs and payload types, the
// rewriting that keeps sequence numbers and timestamps continuous across source changes,
// and which simulcast layer it currently forwards.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "sfu/media_kind.h"

namespace rtcgate::sfu {

// Continuous output sequence numbers and timestamps over a changing source (simulcast layer
// switch, publisher restart). Gaps inside one source are kept, so NACKs still line up.
class SeqTsRewriter {
 public:
  explicit SeqTsRewriter(uint32_t clockRate) : clockRate_(clockRate) {}
  // The next packet starts a new source (different SSRC/sequence/timestamp space).
  void switchSource() noexcept { newSource_ = true; }
  // Maps a source packet; false means drop (too old, from before the current source).
  bool rewrite(uint16_t seq, uint32_t ts, int64_t nowUs, uint16_t& outSeq, uint32_t& outTs) noexcept;
  bool started() const noexcept { return started_; }
  uint16_t lastSeq() const noexcept { return lastOutSeq_; }
  uint32_t lastTs() const noexcept { return lastOutTs_; }
  int64_t lastSendUs() const noexcept { return lastSendUs_; }

 private:
  uint32_t clockRate_;
  bool started_ = false;
  bool newSource_ = true;
  uint16_t seqOffset_ = 0;
  uint32_t tsOffset_ = 0;
  uint16_t highestSrcSeq_ = 0;
  uint16_t lastOutSeq_ = 0;
  uint32_t lastOutTs_ = 0;
  int64_t lastSendUs_ = 0;
};

// Which source packet an output sequence number carried, for answering NACKs.
struct SentPacket {
  uint16_t outSeq = 0;
  uint16_t srcSeq = 0;
  uint32_t outTs = 0;
  int8_t layer = -1;
};

struct OutTrack {
  OutTrack(MediaKind k, uint32_t clockRate) : kind(k), rewriter(clockRate) {}

  MediaKind kind;
  uint32_t ssrc = 0, rtxSsrc = 0;
  uint8_t pt = 0;
  std::optional<uint8_t> rtxPt;
  uint32_t clockRate = 90000;
  uint8_t twccExt = 0;
  SeqTsRewriter rewriter;
  uint16_t rtxSeq = 0;
  int currentLayer = -1;  // layer being forwarded (-1: waiting for a keyframe)
  int targetLayer = 0;    // layer we want; switched to on its next keyframe
  bool keyframeRequested = false;
  uint64_t packetsSent = 0, octetsSent = 0;

  static constexpr size_t kSentRing = 1024;
  std::array<SentPacket, kSentRing> sent{};
  void remember(uint16_t outSeq, uint16_t srcSeq, uint32_t outTs, int layer) noexcept {
    sent[outSeq & (kSentRing - 1)] = {outSeq, srcSeq, outTs, static_cast<int8_t>(layer)};
  }
  const SentPacket* lookup(uint16_t outSeq) const noexcept {
    const auto& s = sent[outSeq & (kSentRing - 1)];
    return s.layer >= 0 && s.outSeq == outSeq ? &s : nullptr;
  }
};

}  // namespace rtcgate::sfu
