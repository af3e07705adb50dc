#include "wire/sctp/reconfig_chunk.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::sctp {

namespace {

Status readStreams(ByteReader& r, ReconfigParam& p) noexcept {
  while (r.remaining() >= 2) {
    if (p.streamCount == ReconfigParam::kMaxStreams) return Error::malformed("stream reset names too many streams");
    r.readU16(p.streams[p.streamCount++]);
  }
  return {};
}

}  // namespace

Result<ReconfigChunk> ReconfigChunk::parse(std::span<const uint8_t> value) noexcept {
  ReconfigChunk c;
  RTCGATE_TRY(forEachParameter(value, [&c](uint16_t type, std::span<const uint8_t> body) noexcept -> Status {
    if (c.paramCount == c.params.size()) return Error::malformed("RE-CONFIG with more than two parameters");
    ReconfigParam& p = c.params[c.paramCount++];
    p.type = type;
    ByteReader b(body);
    switch (type) {
      case ReconfigParam::kOutgoingReset:
        if (!b.readU32(p.requestSeq) || !b.readU32(p.responseSeq) || !b.readU32(p.lastTsn))
          return Error::truncated("outgoing stream reset request too short");
        return readStreams(b, p);
      case ReconfigParam::kIncomingReset:
        if (!b.readU32(p.requestSeq)) return Error::truncated("incoming stream reset request too short");
        return readStreams(b, p);
      case ReconfigParam::kResponse: {
        uint32_t result = 0;
        if (!b.readU32(p.requestSeq) || !b.readU32(result)) return Error::truncated("re-configuration response too short");
        if (result > static_cast<uint32_t>(ReconfigResult::kInProgress)) return Error::malformed("unknown reset result");
        p.result = static_cast<ReconfigResult>(result);
        return {};
      }
      default:
        // Other requests (add streams, SSN/TSN reset) carry their sequence number first.
        if (!b.readU32(p.requestSeq)) return Error::truncated("RE-CONFIG request too short");
        return {};
    }
  }));
  if (c.paramCount == 0) return Error::malformed("RE-CONFIG without parameters");
  return c;
}

bool ReconfigChunk::writeTo(PacketWriter& pw) const noexcept {
  if (!pw.beginChunk(ChunkType::kReconfig, 0)) return false;
  ByteWriter& w = pw.writer();
  for (size_t i = 0; i < paramCount; ++i) {
    const ReconfigParam& p = params[i];
    switch (p.type) {
      case ReconfigParam::kOutgoingReset: {
        const size_t length = 16 + 2 * p.streamCount;
        w.writeU16(p.type);
        w.writeU16(static_cast<uint16_t>(length));
        w.writeU32(p.requestSeq);
        w.writeU32(p.responseSeq);
        w.writeU32(p.lastTsn);
        for (size_t s = 0; s < p.streamCount; ++s) w.writeU16(p.streams[s]);
        w.writeZeros(((length + 3) & ~size_t{3}) - length);
        break;
      }
      case ReconfigParam::kResponse:
        w.writeU16(p.type);
        w.writeU16(12);
        w.writeU32(p.requestSeq);
        w.writeU32(static_cast<uint32_t>(p.result));
        break;
      default: return false;  // we send nothing else
    }
  }
  return pw.endChunk();
}

}  // namespace rtcgate::wire::sctp
