#pragma once
// ReceiveStatistics: reception statistics of one incoming RTP stream, for RTCP reception
// report blocks (RFC 3550 §6.4.1, Appendix A.1, A.3 and A.8).

#include <cstddef>
#include <cstdint>

#include "media/rate_window.h"
#include "wire/rtcp/report_block.h"

namespace rtcgate::media {

// Per-SSRC counters the gateway reports back to a publisher in its RRs. Feed it original
// media packets only (not RTX), with their arrival time.
class ReceiveStatistics {
 public:
  ReceiveStatistics(uint32_t ssrc, uint32_t clockRate) noexcept : ssrc_(ssrc), clockRate_(clockRate) {}

  void onPacket(uint16_t seq, uint32_t rtpTimestamp, size_t bytes, int64_t arrivalUs) noexcept;
  // A sender report from this source arrived: remember its NTP time for LSR/DLSR.
  void onSenderReport(uint64_t ntpTime, int64_t nowUs) noexcept;
  // Builds the report block and starts a new interval for "fraction lost".
  wire::rtcp::ReportBlock makeReportBlock(int64_t nowUs) noexcept;

  uint32_t ssrc() const noexcept { return ssrc_; }
  bool started() const noexcept { return started_; }
  uint32_t extendedHighestSeq() const noexcept { return cycles_ + maxSeq_; }
  int32_t cumulativeLost() const noexcept;  // clamped to the 24-bit signed field
  uint32_t jitter() const noexcept { return static_cast<uint32_t>(jitterQ4_ >> 4); }  // RTP units
  uint64_t packetsReceived() const noexcept { return totalPackets_; }
  uint64_t bytesReceived() const noexcept { return totalBytes_; }
  uint64_t bitrateBps(int64_t nowUs) noexcept { return rate_.bitrateBps(nowUs); }

 private:
  void restart(uint16_t seq) noexcept;
  bool updateSequence(uint16_t seq) noexcept;
  void updateJitter(uint32_t rtpTimestamp, int64_t arrivalUs) noexcept;
  int64_t expected() const noexcept { return int64_t{extendedHighestSeq()} - baseSeq_ + 1; }

  uint32_t ssrc_;
  uint32_t clockRate_;
  RateWindow rate_;
  uint64_t totalPackets_ = 0;
  uint64_t totalBytes_ = 0;
  // Appendix A.1 state.
  uint32_t cycles_ = 0;  // count of wraps, shifted left 16
  uint32_t baseSeq_ = 0;
  uint32_t badSeq_ = 0x10000 + 1;  // impossible until a jump is seen
  uint16_t maxSeq_ = 0;
  int64_t received_ = 0;
  int64_t expectedPrior_ = 0;
  int64_t receivedPrior_ = 0;
  // Appendix A.8 state.
  int64_t jitterQ4_ = 0;  // jitter in RTP units, times 16
  int64_t lastTransit_ = 0;
  uint32_t lastTimestamp_ = 0;
  bool haveTransit_ = false;
  // Last SR (§6.4.1 LSR, DLSR).
  uint32_t lastSr_ = 0;
  int64_t lastSrUs_ = 0;
  bool haveSr_ = false;
  bool started_ = false;
};

}  // namespace rtcgate::media
