#pragma once
// SCTP packets (RFC 9260 §3): the common header and the chunks after it, parsed as views
// over the caller's bytes, and a writer that lays chunks into a caller's buffer and seals
// the packet with its CRC32c.

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/result.h"

namespace rtcgate::wire::sctp {

inline constexpr size_t kCommonHeaderSize = 12;
inline constexpr size_t kChunkHeaderSize = 4;

// RFC 9260 §3.2, RFC 3758 (FORWARD-TSN), RFC 6525 (RE-CONFIG).
enum class ChunkType : uint8_t {
  kData = 0,
  kInit = 1,
  kInitAck = 2,
  kSack = 3,
  kHeartbeat = 4,
  kHeartbeatAck = 5,
  kAbort = 6,
  kShutdown = 7,
  kShutdownAck = 8,
  kError = 9,
  kCookieEcho = 10,
  kCookieAck = 11,
  kShutdownComplete = 14,
  kReconfig = 130,
  kForwardTsn = 192,
};

// Calls visit(type, value) for each type-length-value parameter in `bytes` (INIT and
// RE-CONFIG parameters, RFC 9260 §3.2.1), padding skipped; stops at the first error visit
// returns, or when a parameter's length runs past the chunk.
template <class Visit>
Status forEachParameter(std::span<const uint8_t> bytes, Visit&& visit) noexcept {
  ByteReader r(bytes);
  while (r.remaining() >= 4) {
    uint16_t type = 0, length = 0;
    r.readU16(type);
    r.readU16(length);
    std::span<const uint8_t> value;
    if (length < 4 || !r.readBytes(length - 4u, value)) return Error::truncated("SCTP parameter longer than its chunk");
    r.skip(std::min<size_t>(r.remaining(), ((length + 3u) & ~3u) - length));
    if (Status st = visit(type, value); !st.ok()) return st;
  }
  return {};
}

// One chunk: its type and flags, and its value (after the 4-byte header, without padding).
struct ChunkView {
  uint8_t type = 0;
  uint8_t flags = 0;
  std::span<const uint8_t> value;
};

// A packet: the common header and its chunks (at most kMaxChunks; more is malformed).
struct PacketView {
  static constexpr size_t kMaxChunks = 64;
  uint16_t sourcePort = 0;
  uint16_t destinationPort = 0;
  uint32_t verificationTag = 0;
  std::array<ChunkView, kMaxChunks> chunks{};
  size_t chunkCount = 0;

  std::span<const ChunkView> items() const noexcept { return {chunks.data(), chunkCount}; }
  // RFC 9260 §6.8: the checksum must match; every chunk length must fit the packet.
  static Result<PacketView> parse(std::span<const uint8_t> packet) noexcept;
};

// Writes one packet into `out`: the header, then chunks, then seal() fills the checksum.
class PacketWriter {
 public:
  PacketWriter(std::span<uint8_t> out, uint16_t sourcePort, uint16_t destinationPort, uint32_t tag) noexcept;

  // Starts a chunk; its value is written through writer(), then endChunk() sets its length
  // and pads it to 4 bytes.
  bool beginChunk(ChunkType type, uint8_t flags) noexcept;
  ByteWriter& writer() noexcept { return w_; }
  bool endChunk() noexcept;
  // Bytes left for another chunk's value (after its header and padding of the last one).
  size_t room() const noexcept;
  size_t size() const noexcept { return w_.size(); }
  bool empty() const noexcept { return w_.size() == kCommonHeaderSize; }
  // The finished packet (checksum filled), or empty if anything overflowed.
  std::span<const uint8_t> seal() noexcept;

 private:
  ByteWriter w_;
  size_t chunkStart_ = 0;
  bool open_ = false;
};

}  // namespace rtcgate::wire::sctp
