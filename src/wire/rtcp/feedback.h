#pragma once
// Common layout of RTCP feedback messages (RTPFB/PSFB, RFC 4585 §6.1).

#include <cstdint>
#include <span>

#include "wire/rtcp/rtcp_header.h"

namespace rtcgate::wire::rtcp {

inline constexpr size_t kFeedbackCommonSize = 8;  // sender SSRC + media SSRC

// Feedback message types (FMT) used with PT 205 and 206.
enum class RtpFeedbackFmt : uint8_t { kNack = 1, kTransportCc = 15 };
enum class PsFeedbackFmt : uint8_t { kPli = 1, kFir = 4, kAfb = 15 };

// A feedback packet split into its parts; the FCI is borrowed from the packet.
struct FeedbackPacket {
  uint8_t fmt = 0;
  uint8_t packetType = 0;
  uint32_t senderSsrc = 0;
  uint32_t mediaSsrc = 0;
  std::span<const uint8_t> fci;

  // RFC 4585 §6.1: checks PT and FMT, then reads the two SSRCs.
  static Result<FeedbackPacket> parse(std::span<const uint8_t> packet, PacketType pt, uint8_t fmt) noexcept;
  // Writes header + SSRCs for a packet whose FCI is `fciSize` bytes (multiple of 4).
  static bool writeHeader(ByteWriter& w, PacketType pt, uint8_t fmt, uint32_t senderSsrc, uint32_t mediaSsrc,
                          size_t fciSize) noexcept;
};

}  // namespace rtcgate::wire::rtcp
