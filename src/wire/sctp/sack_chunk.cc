#include "wire/sctp/sack_chunk.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::sctp {

Result<SackChunk> SackChunk::parse(std::span<const uint8_t> value) noexcept {
  ByteReader r(value);
  SackChunk s;
  uint16_t gaps = 0, dups = 0;
  if (!r.readU32(s.cumulativeTsnAck) || !r.readU32(s.advertisedWindow) || !r.readU16(gaps) || !r.readU16(dups))
    return Error::truncated("SACK too short");
  if (r.remaining() < 4u * (size_t{gaps} + dups)) return Error::truncated("SACK shorter than its blocks");
  for (uint16_t i = 0; i < gaps; ++i) {
    GapBlock b;
    r.readU16(b.start);
    r.readU16(b.end);
    if (b.start == 0 || b.end < b.start) return Error::malformed("SACK gap block out of order");
    if (s.gapCount < kMaxGapBlocks) s.gaps[s.gapCount++] = b;
  }
  s.duplicateCount = dups;
  return s;
}

bool SackChunk::writeTo(PacketWriter& pw) const noexcept {
  if (!pw.beginChunk(ChunkType::kSack, 0)) return false;
  ByteWriter& w = pw.writer();
  w.writeU32(cumulativeTsnAck);
  w.writeU32(advertisedWindow);
  w.writeU16(static_cast<uint16_t>(gapCount));
  w.writeU16(0);
  for (size_t i = 0; i < gapCount; ++i) {
    w.writeU16(gaps[i].start);
    w.writeU16(gaps[i].end);
  }
  return pw.endChunk();
}

}  // namespace rtcgate::wire::sctp
