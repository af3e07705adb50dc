#include "media/rtp_rewriter.h"

#include "base/seq_num.h"

namespace rtcgate::media {

void RtpRewriter::switchSource(int64_t /*nowUs*/, uint32_t sourceTag) noexcept {
  // The offsets are fixed by the first packet of the new source, whose arrival time is
  // what the timestamp gap is measured to.
  switching_ = true;
  pendingTag_ = sourceTag;
}

void RtpRewriter::startSource(uint16_t seq, uint32_t ts, int64_t nowUs) noexcept {
  seqOffset_ = static_cast<uint16_t>(lastOutSeq_ + 1 - seq);
  uint32_t outTs = lastOutTs_;
  if (started_) {
    // Continue the clock by the wall time since the last packet sent, at least one tick
    // so the new frame never shares a timestamp with the previous one.
    const int64_t elapsed = nowUs > lastOutUs_ ? nowUs - lastOutUs_ : 0;
    const int64_t ticks = elapsed * int64_t{clockRate_} / 1'000'000;
    outTs += static_cast<uint32_t>(ticks > 0 ? ticks : 1);
  }
  tsOffset_ = outTs - ts;
  srcFirst_ = seq;
  srcHighest_ = seq;
  switching_ = false;
  if (started_) head_ = (head_ + 1) % kSegments;
  const auto out = static_cast<uint16_t>(seq + seqOffset_);
  current() = Segment{out, out, seqOffset_, pendingTag_, true};
}

bool RtpRewriter::rewrite(uint16_t seq, uint32_t ts, int64_t nowUs, uint16_t& outSeq,
                          uint32_t& outTs) noexcept {
  bool newest = true;
  if (switching_) {
    startSource(seq, ts, nowUs);
  } else if (!seqNewer(seq, srcHighest_)) {
    // Reordered or repeated: keep it only if it lies within the current source's run.
    const auto back = static_cast<uint16_t>(srcHighest_ - seq);
    if (back > static_cast<uint16_t>(srcHighest_ - srcFirst_)) return false;
    newest = false;
  }
  outSeq = static_cast<uint16_t>(seq + seqOffset_);
  outTs = ts + tsOffset_;
  if (newest) {
    srcHighest_ = seq;
    lastOutSeq_ = outSeq;
    lastOutTs_ = outTs;
    lastOutUs_ = nowUs;
    current().lastOut = outSeq;
  }
  started_ = true;
  return true;
}

std::optional<uint16_t> RtpRewriter::outputToSource(uint16_t outSeq) const noexcept {
  if (!started_ || !segments_[head_].contains(outSeq)) return std::nullopt;
  return static_cast<uint16_t>(outSeq - seqOffset_);
}

std::optional<RtpRewriter::SourceSeq> RtpRewriter::outputToAnySource(uint16_t outSeq) const noexcept {
  if (!started_) return std::nullopt;
  for (size_t i = 0; i < kSegments; ++i) {
    const Segment& s = segments_[(head_ + kSegments - i) % kSegments];  // newest first
    if (s.contains(outSeq)) return SourceSeq{static_cast<uint16_t>(outSeq - s.seqOffset), s.tag};
  }
  return std::nullopt;
}

}  // namespace rtcgate::media
