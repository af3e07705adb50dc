#include "media/receive_statistics.h"

#include <algorithm>

namespace rtcgate::media {

namespace {

constexpr uint16_t kMaxDropout = 3000;  // Appendix A.1 suggested values
constexpr uint16_t kMaxMisorder = 100;
constexpr int64_t kMaxLost = 0x7fffff;  // 24-bit signed field of the report block
constexpr int64_t kMinLost = -0x800000;

}  // namespace

void ReceiveStatistics::restart(uint16_t seq) noexcept {
  // A.1 init_seq(): a new sequence space; the interval counters restart with it.
  baseSeq_ = seq;
  maxSeq_ = seq;
  badSeq_ = 0x10000 + 1;
  cycles_ = 0;
  received_ = 0;
  expectedPrior_ = 0;
  receivedPrior_ = 0;
}

// A.1 update_seq() without the probation of new sources (ours are signalled in SDP).
// Returns false for a packet that does not count (the first of a suspected restart).
bool ReceiveStatistics::updateSequence(uint16_t seq) noexcept {
  const auto udelta = static_cast<uint16_t>(seq - maxSeq_);
  if (udelta < kMaxDropout) {
    if (seq < maxSeq_) cycles_ += 0x10000;  // wrapped
    maxSeq_ = seq;
  } else if (udelta <= 0x10000 - kMaxMisorder) {
    // A very large jump: the sender restarted, or a stray packet. Believe it only when
    // the next packet follows it.
    if (seq != badSeq_) {
      badSeq_ = (seq + 1u) & 0xffffu;
      return false;
    }
    restart(seq);
  }
  // else: duplicate or reordered packet; counted, maxSeq unchanged.
  ++received_;
  return true;
}

void ReceiveStatistics::updateJitter(uint32_t rtpTimestamp, int64_t arrivalUs) noexcept {
  // A.8, in RTP units. Packets of one frame share a timestamp but are paced out by the
  // sender, so only the first packet of each frame is used (as browsers do).
  if (haveTransit_ && rtpTimestamp == lastTimestamp_) return;
  const int64_t arrival = arrivalUs * clockRate_ / 1'000'000;
  const int64_t transit = arrival - int64_t{rtpTimestamp};
  if (haveTransit_) {
    // Timestamps wrap at 32 bits; take the transit difference modulo 2^32.
    int64_t d = static_cast<int32_t>(static_cast<uint32_t>(transit - lastTransit_));
    if (d < 0) d = -d;
    jitterQ4_ += d - ((jitterQ4_ + 8) >> 4);
  }
  haveTransit_ = true;
  lastTransit_ = transit;
  lastTimestamp_ = rtpTimestamp;
}

void ReceiveStatistics::onPacket(uint16_t seq, uint32_t rtpTimestamp, size_t bytes,
                                 int64_t arrivalUs) noexcept {
  ++totalPackets_;
  totalBytes_ += bytes;
  rate_.add(bytes, arrivalUs);
  if (!started_) {
    started_ = true;
    restart(seq);
    ++received_;
    updateJitter(rtpTimestamp, arrivalUs);
    return;
  }
  const uint16_t previousMax = maxSeq_;
  const uint32_t previousCycles = cycles_;
  if (!updateSequence(seq)) return;
  const bool advanced = cycles_ != previousCycles || maxSeq_ != previousMax;
  if (advanced) updateJitter(rtpTimestamp, arrivalUs);
}

void ReceiveStatistics::onSenderReport(uint64_t ntpTime, int64_t nowUs) noexcept {
  lastSr_ = static_cast<uint32_t>(ntpTime >> 16);  // §6.4.1: the middle 32 bits
  lastSrUs_ = nowUs;
  haveSr_ = true;
}

int32_t ReceiveStatistics::cumulativeLost() const noexcept {
  return static_cast<int32_t>(std::clamp(expected() - received_, kMinLost, kMaxLost));
}

wire::rtcp::ReportBlock ReceiveStatistics::makeReportBlock(int64_t nowUs) noexcept {
  wire::rtcp::ReportBlock b;
  b.sourceSsrc = ssrc_;
  if (!started_) return b;
  // A.3: fraction lost over the interval since the previous report.
  const int64_t expectedInterval = expected() - expectedPrior_;
  const int64_t lostInterval = expectedInterval - (received_ - receivedPrior_);
  expectedPrior_ = expected();
  receivedPrior_ = received_;
  if (expectedInterval > 0 && lostInterval > 0) {
    b.fractionLost = static_cast<uint8_t>(std::min<int64_t>((lostInterval << 8) / expectedInterval, 255));
  }
  b.cumulativeLost = cumulativeLost();
  b.extendedHighestSeq = extendedHighestSeq();
  b.jitter = jitter();
  if (haveSr_) {
    b.lastSr = lastSr_;
    // §6.4.1: DLSR in units of 1/65536 s.
    b.delaySinceLastSr = static_cast<uint32_t>((nowUs - lastSrUs_) * 65536 / 1'000'000);
  }
  return b;
}

}  // namespace rtcgate::media
