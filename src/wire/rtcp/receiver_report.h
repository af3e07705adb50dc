#pragma once
// Receiver Report (RR, PT=201, RFC 3550 §6.4.2).

#include <cstdint>
#include <span>

#include "wire/rtcp/report_block.h"
#include "wire/rtcp/rtcp_header.h"

namespace rtcgate::wire::rtcp {

// Reception reports from a participant that is not sending (or has nothing new to say).
struct ReceiverReport {
  uint32_t senderSsrc = 0;
  ReportBlockList reports;

  // Parses one whole RR packet (header included); profile extensions are ignored.
  static Result<ReceiverReport> parse(std::span<const uint8_t> packet) noexcept;
  size_t size() const noexcept { return kHeaderSize + 4 + reports.count * ReportBlock::kSize; }
  bool serializeTo(ByteWriter& w) const noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept { return serializeInto(*this, out); }
};

}  // namespace rtcgate::wire::rtcp
