#pragma once
// Compound RTCP packets (RFC 3550 §6.1) and reduced-size RTCP (RFC 5506).

#include <cstdint>
#include <span>

#include "base/byte_writer.h"
#include "wire/rtcp/rtcp_header.h"

namespace rtcgate::wire::rtcp {

// What a sub-packet is, from its PT and FMT (and the 'REMB' id for PSFB FMT=15).
enum class RtcpKind : uint8_t {
  kSr,
  kRr,
  kSdes,
  kBye,
  kApp,
  kNack,
  kTransportCc,
  kPli,
  kFir,
  kRemb,
  kXr,
  kUnknown,
};

// One sub-packet of a compound: its header and its whole span (header and padding included).
struct RtcpPacketRef {
  RtcpHeader header;
  std::span<const uint8_t> packet;
  RtcpKind kind() const noexcept;
};

// Walks the sub-packets of a compound (or a single reduced-size packet). The first-packet
// rule of RFC 3550 §6.1 is not enforced, since RFC 5506 §3 lifts it; unknown types are
// yielded (kind kUnknown) for the caller to skip.
class CompoundIterator {
 public:
  explicit CompoundIterator(std::span<const uint8_t> datagram) noexcept : data_(datagram) {}
  // False at the end or on a malformed sub-packet (then `error()` is set).
  bool next(RtcpPacketRef& out) noexcept;
  bool failed() const noexcept { return failed_; }
  const Error& error() const noexcept { return error_; }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  bool failed_ = false;
  Error error_{};
};

// Checks every sub-packet's framing: version, lengths adding up exactly, padding counts.
// Returns the number of sub-packets.
Result<size_t> validateCompound(std::span<const uint8_t> datagram) noexcept;

// Appends packets one after another into a caller buffer to form one compound datagram.
class CompoundBuilder {
 public:
  explicit CompoundBuilder(std::span<uint8_t> out) noexcept : w_(out) {}

  // Any packet type with size() and serializeTo(ByteWriter&). False when it does not fit
  // (the builder is unchanged then).
  template <typename Packet>
  bool append(const Packet& p) noexcept {
    if (w_.overflowed() || w_.remaining() < p.size()) return false;
    return p.serializeTo(w_);
  }
  size_t size() const noexcept { return w_.size(); }
  std::span<const uint8_t> data() const noexcept { return w_.written(); }

 private:
  ByteWriter w_;
};

}  // namespace rtcgate::wire::rtcp
