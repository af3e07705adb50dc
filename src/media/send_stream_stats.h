#pragma once
// SendStreamStats: what the gateway sent on one outgoing RTP stream, for its sender
// reports, and the round-trip time read back from the receiver's report blocks
// (RFC 3550 §6.4.1).

#include <cstddef>
#include <cstdint>
#include <optional>

#include "media/rate_window.h"
#include "wire/rtcp/report_block.h"
#include "wire/rtcp/sender_report.h"

namespace rtcgate::media {

// Per outgoing SSRC: counters, the RTP/wall-clock pair of the newest packet, and RTT.
class SendStreamStats {
 public:
  // `payloadBytes`: RTP payload only, as the SR octet count wants (§6.4.1).
  void onPacketSent(uint32_t rtpTimestamp, size_t payloadBytes, int64_t nowUs) noexcept;

  // §6.4.1: the RTP timestamp is the last one sent, extrapolated to `nowUs`, so it and
  // `ntpNow` name the same instant (receivers use the pair for lip sync).
  wire::rtcp::SenderReport makeSenderReport(uint32_t ssrc, int64_t nowUs, uint64_t ntpNow,
                                            uint32_t clockRate) const noexcept;

  // RTT in milliseconds from a report block about this stream that arrived at wall time
  // `ntpNow` (§6.4.1: A - LSR - DLSR); empty when the block carries no LSR yet.
  std::optional<int64_t> onReportBlock(const wire::rtcp::ReportBlock& block, uint64_t ntpNow) noexcept;

  bool sentAny() const noexcept { return packets_ > 0; }
  uint32_t packetsSent() const noexcept { return packets_; }
  uint32_t octetsSent() const noexcept { return octets_; }
  std::optional<int64_t> rttMs() const noexcept { return rttMs_; }
  uint8_t lastFractionLost() const noexcept { return lastFractionLost_; }
  uint64_t bitrateBps(int64_t nowUs) noexcept { return rate_.bitrateBps(nowUs); }

 private:
  RateWindow rate_;
  uint32_t packets_ = 0;  // the SR fields are 32 bits and wrap (§6.4.1)
  uint32_t octets_ = 0;
  uint32_t lastRtpTimestamp_ = 0;
  int64_t lastSentUs_ = 0;
  std::optional<int64_t> rttMs_;
  uint8_t lastFractionLost_ = 0;
};

}  // namespace rtcgate::media
