#include "wire/sctp/init_chunk.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::sctp {

namespace {

constexpr uint16_t kStateCookie = 7;
constexpr uint16_t kSupportedExtensions = 0x8008;
constexpr uint16_t kForwardTsnSupported = 0xC000;

}  // namespace

Result<InitChunk> InitChunk::parse(std::span<const uint8_t> value) noexcept {
  ByteReader r(value);
  InitChunk c;
  if (!r.readU32(c.initiateTag) || !r.readU32(c.advertisedWindow) || !r.readU16(c.outboundStreams) ||
      !r.readU16(c.inboundStreams) || !r.readU32(c.initialTsn))
    return Error::truncated("INIT too short");
  // RFC 9260 §3.3.2: a zero tag or zero stream counts are protocol violations.
  if (c.initiateTag == 0) return Error::malformed("INIT with a zero initiate tag");
  if (c.outboundStreams == 0 || c.inboundStreams == 0) return Error::malformed("INIT with zero streams");
  RTCGATE_TRY(forEachParameter(r.rest(), [&c](uint16_t type, std::span<const uint8_t> body) noexcept -> Status {
    switch (type) {
      case kStateCookie: c.cookie = body; break;
      case kForwardTsnSupported: c.forwardTsn = true; break;
      case kSupportedExtensions:
        for (uint8_t chunk : body) {
          if (chunk == static_cast<uint8_t>(ChunkType::kForwardTsn)) c.forwardTsn = true;
          if (chunk == static_cast<uint8_t>(ChunkType::kReconfig)) c.reconfig = true;
        }
        break;
      default: break;
    }
    return {};
  }));
  return c;
}

bool InitChunk::writeTo(PacketWriter& pw, ChunkType type) const noexcept {
  if (!pw.beginChunk(type, 0)) return false;
  ByteWriter& w = pw.writer();
  w.writeU32(initiateTag);
  w.writeU32(advertisedWindow);
  w.writeU16(outboundStreams);
  w.writeU16(inboundStreams);
  w.writeU32(initialTsn);
  if (type == ChunkType::kInitAck) {
    w.writeU16(kStateCookie);
    w.writeU16(static_cast<uint16_t>(4 + cookie.size()));
    w.writeBytes(cookie);
    w.writeZeros(((cookie.size() + 3) & ~size_t{3}) - cookie.size());
  }
  std::array<uint8_t, 2> extensions{};
  size_t n = 0;
  if (forwardTsn) extensions[n++] = static_cast<uint8_t>(ChunkType::kForwardTsn);
  if (reconfig) extensions[n++] = static_cast<uint8_t>(ChunkType::kReconfig);
  if (n) {
    w.writeU16(kSupportedExtensions);
    w.writeU16(static_cast<uint16_t>(4 + n));
    w.writeBytes(std::span<const uint8_t>(extensions.data(), n));
    w.writeZeros(4 - n);
  }
  if (forwardTsn) {
    w.writeU16(kForwardTsnSupported);
    w.writeU16(4);
  }
  return pw.endChunk();
}

}  // namespace rtcgate::wire::sctp
