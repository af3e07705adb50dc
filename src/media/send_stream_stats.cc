#include "media/send_stream_stats.h"

namespace rtcgate::media {

void SendStreamStats::onPacketSent(uint32_t rtpTimestamp, size_t payloadBytes, int64_t nowUs) noexcept {
  ++packets_;
  octets_ += static_cast<uint32_t>(payloadBytes);
  lastRtpTimestamp_ = rtpTimestamp;
  lastSentUs_ = nowUs;
  rate_.add(payloadBytes, nowUs);
}

wire::rtcp::SenderReport SendStreamStats::makeSenderReport(uint32_t ssrc, int64_t nowUs, uint64_t ntpNow,
                                                           uint32_t clockRate) const noexcept {
  wire::rtcp::SenderReport sr;
  sr.senderSsrc = ssrc;
  sr.ntpTime = ntpNow;
  sr.packetCount = packets_;
  sr.octetCount = octets_;
  const int64_t elapsedUs = packets_ > 0 ? nowUs - lastSentUs_ : 0;
  const int64_t elapsedTicks = elapsedUs * int64_t{clockRate} / 1'000'000;
  sr.rtpTimestamp = lastRtpTimestamp_ + static_cast<uint32_t>(elapsedTicks);
  return sr;
}

std::optional<int64_t> SendStreamStats::onReportBlock(const wire::rtcp::ReportBlock& block,
                                                      uint64_t ntpNow) noexcept {
  lastFractionLost_ = block.fractionLost;
  if (block.lastSr == 0) return std::nullopt;                // §6.4.1: no SR received yet
  const auto arrival = static_cast<uint32_t>(ntpNow >> 16);  // middle 32 bits, 1/65536 s
  const auto rtt = static_cast<int32_t>(arrival - block.lastSr - block.delaySinceLastSr);
  if (rtt < 0) return std::nullopt;  // clocks or a stale block disagree; no estimate
  rttMs_ = int64_t{rtt} * 1000 / 65536;
  return rttMs_;
}

}  // namespace rtcgate::media
