#include "wire/sctp/data_chunk.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::sctp {

Result<DataChunk> DataChunk::parse(const ChunkView& chunk) noexcept {
  ByteReader r(chunk.value);
  DataChunk d;
  d.flags = chunk.flags;
  if (!r.readU32(d.tsn) || !r.readU16(d.streamId) || !r.readU16(d.ssn) || !r.readU32(d.ppid))
    return Error::truncated("DATA too short");
  d.payload = r.rest();
  if (d.payload.empty()) return Error::malformed("DATA without user data");
  return d;
}

bool DataChunk::writeTo(PacketWriter& pw) const noexcept {
  if (!pw.beginChunk(ChunkType::kData, flags)) return false;
  ByteWriter& w = pw.writer();
  w.writeU32(tsn);
  w.writeU16(streamId);
  w.writeU16(ssn);
  w.writeU32(ppid);
  w.writeBytes(payload);
  return pw.endChunk();
}

}  // namespace rtcgate::wire::sctp
