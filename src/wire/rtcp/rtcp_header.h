#pragma once
// The 4-byte header every RTCP packet starts with (RFC 3550 §6.4.1, RFC 4585 §6.1).

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/byte_writer.h"
#include "base/result.h"

namespace rtcgate::wire::rtcp {

inline constexpr size_t kHeaderSize = 4;

// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611 §2).
enum class PacketType : uint8_t {
  kSr = 200,
  kRr = 201,
  kSdes = 202,
  kBye = 203,
  kApp = 204,
  kRtpFeedback = 205,  // RTPFB: NACK, transport-cc
  kPsFeedback = 206,   // PSFB: PLI, FIR, REMB
  kXr = 207,
};

// A parsed common header plus the packet body it frames (padding already removed).
struct RtcpHeader {
  uint8_t count = 0;       // RC / SC / FMT (5 bits)
  uint8_t packetType = 0;  // raw, so unknown types can be skipped
  bool padding = false;
  size_t packetSize = 0;          // whole packet on the wire: 4 * (length + 1)
  std::span<const uint8_t> body;  // after the 4-byte header, padding stripped

  // RFC 3550 §6.4.1: V=2, P, count, PT, length in 32-bit words minus one. Parses the first
  // packet of `data`; `data` may hold more packets after it (a compound).
  static Result<RtcpHeader> parse(std::span<const uint8_t> data) noexcept;

  // Writes a header for a packet of `packetSize` bytes (a multiple of 4, at least 4).
  static bool write(ByteWriter& w, uint8_t count, uint8_t packetType, size_t packetSize,
                    bool padding = false) noexcept;
};

// Shared tail of every packet's serializeTo(span): run the ByteWriter version, then check.
template <typename Packet>
Result<size_t> serializeInto(const Packet& p, std::span<uint8_t> out) noexcept {
  if (out.size() < p.size()) return Error::noSpace("rtcp: output buffer too small");
  ByteWriter w(out);
  if (!p.serializeTo(w)) return Error::malformed("rtcp: packet cannot be serialized");
  return w.size();
}

}  // namespace rtcgate::wire::rtcp
