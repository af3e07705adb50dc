#include "seq_tracker.h"

#include <algorithm>
#include <cmath>

namespace rtcgate::load {

bool SeqTracker::markReceived(int64_t s) {
  int64_t& slot = window_[static_cast<size_t>(s) % window_.size()];
  if (slot == s || s <= unwrap_.highest() - static_cast<int64_t>(window_.size())) {
    ++duplicates_;
    return false;
  }
  slot = s;
  ++unique_;
  recovered_ += missing_.erase(s);
  return true;
}

bool SeqTracker::onPacket(uint32_t ssrc, uint16_t seq, uint32_t rtpTs, int64_t nowUs) {
  if (started() && ssrc != ssrc_) {
    // A new source behind the same track (the publisher came back): start over.
    const uint64_t kept = ++ssrcChanges_;
    *this = SeqTracker(clockRate_);
    ssrcChanges_ = kept;
  }
  if (!started()) {
    ssrc_ = ssrc;
    base_ = unwrap_.unwrap(seq);
    markReceived(base_);
    updateJitter(rtpTs, nowUs);
    return true;
  }
  const int64_t before = unwrap_.highest();
  const int64_t s = unwrap_.unwrap(seq);
  for (int64_t gap = std::max(before + 1, s - static_cast<int64_t>(kMaxMissing)); gap < s; ++gap)
    missing_.emplace(gap, Missing{nowUs, 0, 0});
  if (!markReceived(s)) return false;
  updateJitter(rtpTs, nowUs);
  return true;
}

bool SeqTracker::onRetransmission(uint16_t seq) {
  if (!started()) return false;
  const int64_t s = unwrap_.peek(seq);
  if (s > unwrap_.highest()) return false;  // never lost: ignore
  const bool wasMissing = missing_.count(s) != 0;
  return markReceived(s) && wasMissing;
}

size_t SeqTracker::takeNacks(int64_t nowUs, std::span<uint16_t> out) {
  size_t n = 0;
  for (auto it = missing_.begin(); it != missing_.end();) {
    Missing& m = it->second;
    if (m.tries >= kNackMaxTries || nowUs - m.sinceUs > kGiveUpUs) {
      it = missing_.erase(it);
      continue;
    }
    if (n < out.size() && (m.tries == 0 || nowUs - m.lastNackUs >= kNackRetryUs)) {
      out[n++] = static_cast<uint16_t>(it->first);
      m.lastNackUs = nowUs;
      ++m.tries;
    }
    ++it;
  }
  return n;
}

// RFC 3550 §A.8: J += (|D| - J) / 16, with D the change in transit time, in RTP units.
void SeqTracker::updateJitter(uint32_t rtpTs, int64_t nowUs) {
  const auto arrival = static_cast<int64_t>(static_cast<double>(nowUs) * clockRate_ / 1e6);
  const int64_t transit = arrival - static_cast<int64_t>(rtpTs);
  if (haveTransit_) {
    const auto d = static_cast<double>(std::abs(static_cast<int32_t>(transit - lastTransit_)));
    jitter_ += (d - jitter_) / 16.0;
  }
  lastTransit_ = transit;
  haveTransit_ = true;
}

void SeqTracker::onSenderReport(uint64_t ntpTime, int64_t nowUs) {
  lastSr_ = static_cast<uint32_t>(ntpTime >> 16);
  lastSrAtUs_ = nowUs;
}

// RFC 3550 §6.4.1 / §A.3: fraction and cumulative loss, extended highest sequence.
wire::rtcp::ReportBlock SeqTracker::reportBlock(int64_t nowUs) {
  wire::rtcp::ReportBlock b;
  b.sourceSsrc = ssrc_;
  const uint64_t expected = this->expected();
  const auto expectedInterval = static_cast<int64_t>(expected - expectedPrior_);
  const auto receivedInterval = static_cast<int64_t>(unique_ - receivedPrior_);
  expectedPrior_ = expected;
  receivedPrior_ = unique_;
  const int64_t lostInterval = expectedInterval - receivedInterval;
  b.fractionLost = (expectedInterval == 0 || lostInterval <= 0)
                       ? 0
                       : static_cast<uint8_t>(std::min<int64_t>(255, (lostInterval << 8) / expectedInterval));
  b.cumulativeLost = static_cast<int32_t>(std::min<uint64_t>(lost(), 0x7fffff));
  b.extendedHighestSeq = static_cast<uint32_t>(unwrap_.highest());
  b.jitter = static_cast<uint32_t>(jitter_);
  b.lastSr = lastSr_;
  b.delaySinceLastSr = lastSr_ == 0 ? 0 : static_cast<uint32_t>((nowUs - lastSrAtUs_) * 65536 / 1'000'000);
  return b;
}

}  // namespace rtcgate::load
