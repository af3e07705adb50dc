#pragma once
// RtpRewriter: one subscriber's view of a track: its own SSRC, sequence numbers and
// timestamps, continuous across source switches (simulcast layer changes, publisher
// restarts), as DESIGN.md §5 asks.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace rtcgate::media {

// Maps (source seq, source timestamp) to output values. Within one source, the mapping
// is a fixed offset, so gaps and reordering pass through unchanged and the subscriber's
// NACKs still name real losses; at a switch, the next source continues the output right
// after the last packet sent.
class RtpRewriter {
 public:
  // An output sequence number traced back to the source that produced it.
  struct SourceSeq {
    uint16_t seq = 0;
    uint32_t sourceTag = 0;  // as given to switchSource()
  };

  static constexpr size_t kSegments = 4;  // sources remembered for outputToAnySource()

  RtpRewriter(uint32_t outSsrc, uint32_t clockRate, uint16_t initialSeq = 0, uint32_t initialTs = 0) noexcept
      : ssrc_(outSsrc),
        clockRate_(clockRate),
        lastOutSeq_(static_cast<uint16_t>(initialSeq - 1)),
        lastOutTs_(initialTs) {}

  // The next packet starts a new source; `sourceTag` (e.g. the source SSRC) names it
  // in outputToAnySource().
  void switchSource(int64_t nowUs, uint32_t sourceTag = 0) noexcept;

  // False: drop the packet (it is older than the first packet of the current source, so
  // it belongs to a source already left behind). Feed only packets of the current source
  // (the caller filters by SSRC): a newer number is always taken as this source's.
  bool rewrite(uint16_t seq, uint32_t ts, int64_t nowUs, uint16_t& outSeq, uint32_t& outTs) noexcept;

  // The current source's sequence number for an output one, to answer a subscriber's NACK
  // from the source's PacketHistory; empty if it was not produced by the current source.
  std::optional<uint16_t> outputToSource(uint16_t outSeq) const noexcept;
  // The same over the last kSegments sources.
  std::optional<SourceSeq> outputToAnySource(uint16_t outSeq) const noexcept;

  // The output timestamp of a timestamp of the current source (timed metadata), when a
  // source is being forwarded.
  std::optional<uint32_t> outputTimestamp(uint32_t sourceTs) const noexcept {
    if (!started_ || switching_) return std::nullopt;
    return sourceTs + tsOffset_;
  }
  uint32_t ssrc() const noexcept { return ssrc_; }
  uint32_t clockRate() const noexcept { return clockRate_; }
  uint16_t lastOutputSeq() const noexcept { return lastOutSeq_; }
  uint32_t lastOutputTs() const noexcept { return lastOutTs_; }

 private:
  // A run of output sequence numbers produced by one source with one offset.
  struct Segment {
    uint16_t firstOut = 0;
    uint16_t lastOut = 0;
    uint16_t seqOffset = 0;
    uint32_t tag = 0;
    bool used = false;
    bool contains(uint16_t out) const noexcept {
      return used && static_cast<uint16_t>(lastOut - out) <= static_cast<uint16_t>(lastOut - firstOut);
    }
  };

  void startSource(uint16_t seq, uint32_t ts, int64_t nowUs) noexcept;
  Segment& current() noexcept { return segments_[head_]; }

  uint32_t ssrc_;
  uint32_t clockRate_;
  std::array<Segment, kSegments> segments_{};
  size_t head_ = 0;
  uint32_t pendingTag_ = 0;
  uint16_t seqOffset_ = 0;
  uint32_t tsOffset_ = 0;
  uint16_t srcFirst_ = 0;
  uint16_t srcHighest_ = 0;
  uint16_t lastOutSeq_;
  uint32_t lastOutTs_;
  int64_t lastOutUs_ = 0;
  bool started_ = false;
  bool switching_ = true;
};

}  // namespace rtcgate::media
