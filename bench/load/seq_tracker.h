#pragma once
// SeqTracker: reception statistics of one incoming RTP stream as a receiver keeps them
// (RFC 3550 §6.4.1, §A.3, §A.8): unique packets, expected packets, interarrival jitter,
// LSR/DLSR, and the gaps to NACK (RFC 4585 §6.2.1) with bounded retries.

#include <array>
#include <cstdint>
#include <map>
#include <span>

#include "base/seq_num.h"
#include "wire/rtcp/report_block.h"

namespace rtcgate::load {

class SeqTracker {
 public:
  static constexpr int64_t kNackRetryUs = 40'000;
  static constexpr int kNackMaxTries = 4;
  static constexpr int64_t kGiveUpUs = 1'000'000;
  static constexpr size_t kMaxMissing = 1000;

  explicit SeqTracker(uint32_t clockRate) : clockRate_(clockRate) { window_.fill(-1); }

  // An original packet; false for a duplicate (or one too old to tell).
  bool onPacket(uint32_t ssrc, uint16_t seq, uint32_t rtpTs, int64_t nowUs);
  // A retransmission (RTX OSN); true when it filled a gap.
  bool onRetransmission(uint16_t seq);
  // Sequence numbers to NACK now, ascending; marks them as NACKed.
  size_t takeNacks(int64_t nowUs, std::span<uint16_t> out);
  // A report block for an RR; advances the "since last report" interval.
  wire::rtcp::ReportBlock reportBlock(int64_t nowUs);
  void onSenderReport(uint64_t ntpTime, int64_t nowUs);

  bool started() const noexcept { return unwrap_.started(); }
  uint32_t ssrc() const noexcept { return ssrc_; }
  uint64_t expected() const noexcept { return started() ? static_cast<uint64_t>(unwrap_.highest() - base_ + 1) : 0; }
  uint64_t received() const noexcept { return unique_; }
  uint64_t lost() const noexcept { return expected() > unique_ ? expected() - unique_ : 0; }
  uint64_t duplicates() const noexcept { return duplicates_; }
  // Packets that arrived after being counted missing (retransmitted or late).
  uint64_t recovered() const noexcept { return recovered_; }
  uint64_t ssrcChanges() const noexcept { return ssrcChanges_; }

 private:
  struct Missing {
    int64_t sinceUs = 0;
    int64_t lastNackUs = 0;
    int tries = 0;
  };
  bool markReceived(int64_t s);
  void updateJitter(uint32_t rtpTs, int64_t nowUs);

  uint32_t clockRate_;
  uint32_t ssrc_ = 0;
  SeqUnwrapper unwrap_;
  int64_t base_ = 0;
  std::array<int64_t, 4096> window_;  // unwrapped seq held in slot seq % 4096
  uint64_t unique_ = 0, duplicates_ = 0, ssrcChanges_ = 0, recovered_ = 0;
  std::map<int64_t, Missing> missing_;  // a tool, not the data plane: clarity over allocations
  double jitter_ = 0;
  int64_t lastTransit_ = 0;
  bool haveTransit_ = false;
  uint64_t expectedPrior_ = 0, receivedPrior_ = 0;
  uint32_t lastSr_ = 0;
  int64_t lastSrAtUs_ = 0;
};

}  // namespace rtcgate::load
