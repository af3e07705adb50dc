#include "sfu/out_track.h"

#include "base/seq_num.h"

namespace rtcgate::sfu {

bool SeqTsRewriter::rewrite(uint16_t seq, uint32_t ts, int64_t nowUs, uint16_t& outSeq, uint32_t& outTs) noexcept {
  if (newSource_) {
    newSource_ = false;
    if (!started_) {
      seqOffset_ = 0;
      tsOffset_ = 0;
      lastOutSeq_ = static_cast<uint16_t>(seq - 1);
      lastOutTs_ = ts;
      lastSendUs_ = nowUs;
    }
    // Continue right after the last packet sent, with the wall time that passed since.
    const int64_t elapsedUs = started_ ? nowUs - lastSendUs_ : 0;
    const uint32_t elapsedTicks =
        static_cast<uint32_t>(std::max<int64_t>(1, elapsedUs * static_cast<int64_t>(clockRate_) / 1'000'000));
    seqOffset_ = static_cast<uint16_t>(lastOutSeq_ + 1 - seq);
    tsOffset_ = started_ ? static_cast<uint32_t>(lastOutTs_ + elapsedTicks - ts) : 0;
    highestSrcSeq_ = static_cast<uint16_t>(seq - 1);
    started_ = true;
  }
  // A packet from well before the start of this source belongs to the previous one.
  if (seqNewer(static_cast<uint16_t>(highestSrcSeq_ - 1000), seq)) return false;
  outSeq = static_cast<uint16_t>(seq + seqOffset_);
  outTs = ts + tsOffset_;
  if (seqNewer(seq, highestSrcSeq_)) {
    highestSrcSeq_ = seq;
    lastOutSeq_ = outSeq;
    lastOutTs_ = outTs;
    lastSendUs_ = nowUs;
  }
  return true;
}

}  // namespace rtcgate::sfu
