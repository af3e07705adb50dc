#include "wire/sctp/packet.h"

#include <array>

#include "base/byte_reader.h"
#include "wire/sctp/crc32c.h"

namespace rtcgate::wire::sctp {

namespace {

uint32_t loadLe32(const uint8_t* p) noexcept {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void storeLe32(uint8_t* p, uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// RFC 9260 §6.8 and Appendix A: CRC32c over the packet with the checksum field zeroed,
// stored least significant byte first.
uint32_t checksumOf(std::span<const uint8_t> packet) noexcept {
  static constexpr std::array<uint8_t, 4> kZero{};
  uint32_t crc = crc32cExtend(0, packet.first(8));
  crc = crc32cExtend(crc, kZero);
  return crc32cExtend(crc, packet.subspan(kCommonHeaderSize));
}

size_t padded(size_t n) noexcept { return (n + 3) & ~size_t{3}; }

}  // namespace

Result<PacketView> PacketView::parse(std::span<const uint8_t> packet) noexcept {
  if (packet.size() < kCommonHeaderSize + kChunkHeaderSize) return Error::truncated("SCTP packet too short");
  if (loadLe32(packet.data() + 8) != checksumOf(packet)) return Error::malformed("SCTP checksum mismatch");
  PacketView v;
  ByteReader r(packet);
  r.readU16(v.sourcePort);
  r.readU16(v.destinationPort);
  r.readU32(v.verificationTag);
  r.skip(4);
  while (!r.empty()) {
    uint8_t type = 0, flags = 0;
    uint16_t length = 0;
    if (!r.readU8(type) || !r.readU8(flags) || !r.readU16(length)) return Error::truncated("SCTP chunk header");
    if (length < kChunkHeaderSize) return Error::malformed("SCTP chunk length below its header");
    std::span<const uint8_t> value;
    if (!r.readBytes(length - kChunkHeaderSize, value)) return Error::truncated("SCTP chunk longer than the packet");
    // The last chunk's padding may be left out by lenient senders.
    r.skip(std::min(r.remaining(), padded(length) - length));
    if (v.chunkCount == kMaxChunks) return Error::malformed("too many SCTP chunks in one packet");
    v.chunks[v.chunkCount++] = {type, flags, value};
  }
  return v;
}

PacketWriter::PacketWriter(std::span<uint8_t> out, uint16_t sourcePort, uint16_t destinationPort, uint32_t tag) noexcept
    : w_(out) {
  w_.writeU16(sourcePort);
  w_.writeU16(destinationPort);
  w_.writeU32(tag);
  w_.writeU32(0);
}

bool PacketWriter::beginChunk(ChunkType type, uint8_t flags) noexcept {
  if (open_) return false;
  chunkStart_ = w_.size();
  open_ = true;
  return w_.writeU8(static_cast<uint8_t>(type)) && w_.writeU8(flags) && w_.writeU16(0);
}

bool PacketWriter::endChunk() noexcept {
  if (!open_ || w_.overflowed()) return false;
  open_ = false;
  const size_t length = w_.size() - chunkStart_;
  if (length > 0xFFFF) return false;
  storeU16(w_.at(chunkStart_ + 2), static_cast<uint16_t>(length));
  return w_.writeZeros(padded(length) - length);
}

size_t PacketWriter::room() const noexcept {
  const size_t left = w_.remaining();
  return left > kChunkHeaderSize + 3 ? left - kChunkHeaderSize - 3 : 0;
}

std::span<const uint8_t> PacketWriter::seal() noexcept {
  if (open_ || w_.overflowed()) return {};
  auto bytes = w_.written();
  storeLe32(bytes.data() + 8, checksumOf(bytes));
  return bytes;
}

}  // namespace rtcgate::wire::sctp
