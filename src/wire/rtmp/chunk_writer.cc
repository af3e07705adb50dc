#include "wire/rtmp/chunk_writer.h"

#include <algorithm>

#include "base/byte_writer.h"
#include "wire/rtmp/protocol_control.h"

namespace rtcgate::wire::rtmp {
namespace {

constexpr uint32_t kExtendedMarker = 0xFFFFFF;
constexpr size_t kMaxHeaderSize = 3 + 11 + 4;

// §5.3.1.1: 1-byte form for csid 2-63, 2-byte for 64-319, 3-byte up to 65599.
void writeBasicHeader(ByteWriter& w, uint8_t fmt, uint32_t csid) noexcept {
  const auto f = static_cast<uint8_t>(fmt << 6);
  if (csid < 64) {
    w.writeU8(static_cast<uint8_t>(f | csid));
  } else if (csid < 320) {
    w.writeU8(f);
    w.writeU8(static_cast<uint8_t>(csid - 64));
  } else {
    w.writeU8(static_cast<uint8_t>(f | 1));
    w.writeU8(static_cast<uint8_t>((csid - 64) & 0xFF));
    w.writeU8(static_cast<uint8_t>((csid - 64) >> 8));
  }
}

}  // namespace

Status ChunkWriter::setChunkSize(uint32_t chunkSize) noexcept {
  if (chunkSize == 0 || chunkSize > SetChunkSize::kMax) return Error::malformed("chunk size out of range");
  chunkSize_ = chunkSize;
  return {};
}

size_t ChunkWriter::maxEncodedSize(size_t payloadSize) const noexcept {
  const size_t chunks = payloadSize == 0 ? 1 : (payloadSize + chunkSize_ - 1) / chunkSize_;
  return payloadSize + chunks * kMaxHeaderSize;
}

ChunkWriter::Stream* ChunkWriter::find(uint32_t csid) noexcept {
  for (Stream& s : streams_) {
    if (s.csid == csid) return &s;
  }
  return nullptr;
}

// §5.3.1.2: fmt 0 when the peer has nothing to inherit or time went backwards; fmt 1
// when length or type changed; fmt 2 when only the delta changed; else fmt 3.
uint8_t ChunkWriter::chooseFormat(const Stream* prev, const MessageHeader& h, uint32_t length) noexcept {
  if (!prev || prev->header.streamId != h.streamId || h.timestamp < prev->header.timestamp) return 0;
  if (prev->length != length || prev->header.typeId != h.typeId) return 1;
  if (!prev->deltaKnown || prev->delta != h.timestamp - prev->header.timestamp) return 2;
  return 3;
}

Result<size_t> ChunkWriter::write(const MessageHeader& h, std::span<const uint8_t> payload,
                                  std::span<uint8_t> out) noexcept {
  if (h.chunkStreamId < kMinChunkStreamId || h.chunkStreamId > kMaxChunkStreamId) {
    return Error::malformed("chunk stream id out of range");
  }
  if (payload.size() > 0xFFFFFF) return Error::malformed("message longer than 24 bits");
  const auto length = static_cast<uint32_t>(payload.size());
  Stream* prev = find(h.chunkStreamId);
  const uint8_t fmt = chooseFormat(prev, h, length);
  const uint32_t field = fmt == 0 ? h.timestamp : h.timestamp - prev->header.timestamp;
  const bool extended = fmt == 3 ? prev->extended : field >= kExtendedMarker;

  ByteWriter w(out);
  writeBasicHeader(w, fmt, h.chunkStreamId);
  if (fmt < 3) w.writeU24(extended ? kExtendedMarker : field);
  if (fmt < 2) {
    w.writeU24(length);
    w.writeU8(h.typeId);
  }
  if (fmt == 0) {  // §5.3.1.2.1: message stream id is little-endian
    for (int i = 0; i < 4; ++i) w.writeU8(static_cast<uint8_t>(h.streamId >> (8 * i)));
  }
  if (extended) w.writeU32(field);
  size_t offset = 0;
  do {
    if (offset > 0) {
      // §5.3.1.3: continuation chunks repeat the extended timestamp.
      writeBasicHeader(w, 3, h.chunkStreamId);
      if (extended) w.writeU32(field);
    }
    const size_t n = std::min<size_t>(chunkSize_, payload.size() - offset);
    w.writeBytes(payload.subspan(offset, n));
    offset += n;
  } while (offset < payload.size());
  if (w.overflowed()) return Error::noSpace("chunk writer output");

  if (prev == nullptr) {
    prev = &streams_.emplace_back();
    prev->csid = h.chunkStreamId;
  }
  // After fmt 0 the delta is left unknown, so fmt 3 never depends on how a peer reads it.
  *prev = Stream{h.chunkStreamId, h, length, fmt == 0 ? 0 : field, fmt != 0, extended};
  return w.size();
}

Status ChunkWriter::append(const MessageHeader& header, std::span<const uint8_t> payload,
                           std::vector<uint8_t>& out) {
  const size_t start = out.size();
  out.resize(start + maxEncodedSize(payload.size()));
  auto n = write(header, payload, std::span<uint8_t>(out).subspan(start));
  if (!n.ok()) {
    out.resize(start);
    return n.error();
  }
  out.resize(start + *n);
  return {};
}

}  // namespace rtcgate::wire::rtmp
