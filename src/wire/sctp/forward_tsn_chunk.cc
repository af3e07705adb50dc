#include "wire/sctp/forward_tsn_chunk.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::sctp {

Result<ForwardTsnChunk> ForwardTsnChunk::parse(std::span<const uint8_t> value) noexcept {
  ByteReader r(value);
  ForwardTsnChunk f;
  if (!r.readU32(f.newCumulativeTsn)) return Error::truncated("FORWARD TSN too short");
  while (r.remaining() >= 4) {
    SkippedStream s;
    r.readU16(s.streamId);
    r.readU16(s.ssn);
    if (f.streamCount == kMaxStreams) return Error::malformed("FORWARD TSN names too many streams");
    f.streams[f.streamCount++] = s;
  }
  return f;
}

bool ForwardTsnChunk::writeTo(PacketWriter& pw) const noexcept {
  if (!pw.beginChunk(ChunkType::kForwardTsn, 0)) return false;
  ByteWriter& w = pw.writer();
  w.writeU32(newCumulativeTsn);
  for (size_t i = 0; i < streamCount; ++i) {
    w.writeU16(streams[i].streamId);
    w.writeU16(streams[i].ssn);
  }
  return pw.endChunk();
}

}  // namespace rtcgate::wire::sctp
