#pragma once
// Sender Report (SR, PT=200, RFC 3550 §6.4.1).

#include <cstdint>
#include <span>

#include "wire/rtcp/report_block.h"
#include "wire/rtcp/rtcp_header.h"

namespace rtcgate::wire::rtcp {

// What a sender says about its stream: NTP/RTP time pair, counts, and reception reports.
struct SenderReport {
  static constexpr size_t kSenderInfoSize = 24;  // SSRC + sender info

  uint32_t senderSsrc = 0;
  uint64_t ntpTime = 0;  // 32.32 fixed-point seconds since 1900
  uint32_t rtpTimestamp = 0;
  uint32_t packetCount = 0;
  uint32_t octetCount = 0;
  ReportBlockList reports;

  // Parses one whole SR packet (header included); profile extensions are ignored.
  static Result<SenderReport> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept { return kHeaderSize + kSenderInfoSize + reports.count * ReportBlock::kSize; }
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

}  // namespace rtcgate::wire::rtcp
