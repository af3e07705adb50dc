#include "wire/rtmp/chunk_reader.h"

#include <algorithm>
#include <exception>

#include "base/byte_reader.h"
#include "wire/rtmp/protocol_control.h"

namespace rtcgate::wire::rtmp {
namespace {

constexpr uint32_t kExtendedMarker = 0xFFFFFF;           // §5.3.1.3
constexpr size_t kMessageHeaderSize[4] = {11, 7, 3, 0};  // §5.3.1.2.1-4

// §5.3.1.1: csid 0 and 1 in the first byte announce 2- and 3-byte basic headers.
size_t basicHeaderLength(uint8_t first) noexcept {
  const uint8_t id = first & 0x3F;
  return id == 0 ? 2 : id == 1 ? 3 : 1;
}

uint32_t basicHeaderCsid(const uint8_t* p) noexcept {
  const uint8_t id = p[0] & 0x3F;
  if (id == 0) return 64u + p[1];
  if (id == 1) return 64u + p[1] + 256u * p[2];
  return id;
}

}  // namespace

// Bytes of the header being assembled, as far as the bytes seen so far can tell.
size_t ChunkReader::headerLength() const noexcept {
  if (hdrLen_ == 0) return 1;
  const size_t basic = basicHeaderLength(hdr_[0]);
  if (hdrLen_ < basic) return basic;
  const uint8_t fmt = hdr_[0] >> 6;
  const size_t fixed = basic + kMessageHeaderSize[fmt];
  if (hdrLen_ < fixed) return fixed;
  bool extended = false;
  if (fmt < 3) {
    extended = loadU24(&hdr_[basic]) == kExtendedMarker;
  } else {
    // §5.3.1.3: a fmt 3 chunk repeats the extended timestamp when the last fmt 0/1/2
    // header of its chunk stream had one.
    const uint32_t csid = basicHeaderCsid(hdr_.data());
    for (const Stream& s : streams_) {
      if (s.csid == csid) extended = s.extended;
    }
  }
  return fixed + (extended ? 4 : 0);
}

Result<std::optional<Message>> ChunkReader::read(std::span<const uint8_t>& in) noexcept {
  while (!in.empty()) {
    if (current_ == nullptr) {
      const size_t want = headerLength();
      const size_t take = std::min(want - hdrLen_, in.size());
      std::copy_n(in.data(), take, hdr_.data() + hdrLen_);
      hdrLen_ += take;
      in = in.subspan(take);
      bytesRead_ += take;
      if (hdrLen_ < headerLength()) continue;  // a later byte may lengthen the header
      RTCGATE_TRY(onHeader());
      hdrLen_ = 0;
    } else {
      const size_t take = std::min<size_t>(chunkLeft_, in.size());
      auto& payload = current_->payload;
      if (payload.size() + take > payload.capacity()) {
        // Doubling, up to the announced length: few reallocations, never more than asked.
        const size_t want = std::min<size_t>(current_->length, std::max(payload.capacity() * 2, payload.size() + take));
        RTCGATE_TRY(reserve(*current_, want));
      }
      payload.insert(payload.end(), in.begin(), in.begin() + take);  // within capacity: no allocation
      in = in.subspan(take);
      bytesRead_ += take;
      chunkLeft_ -= static_cast<uint32_t>(take);
    }
    if (current_ == nullptr || chunkLeft_ != 0) continue;
    Stream& s = *current_;
    current_ = nullptr;
    if (s.payload.size() < s.length) continue;  // next chunk of this message follows later
    s.inMessage = false;
    Message m{s.header, s.payload};
    RTCGATE_TRY(applyControl(m));
    return std::optional<Message>(m);
  }
  return std::optional<Message>();
}

Status ChunkReader::onHeader() noexcept {
  const size_t basic = basicHeaderLength(hdr_[0]);
  const uint8_t fmt = hdr_[0] >> 6;
  const uint32_t csid = basicHeaderCsid(hdr_.data());
  auto found = stream(csid, fmt);
  if (!found.ok()) return found.error();
  Stream& s = **found;
  const uint8_t* mh = &hdr_[basic];
  const size_t fixed = basic + kMessageHeaderSize[fmt];
  uint32_t tsField = fmt < 3 ? loadU24(mh) : s.delta;
  if (fmt < 3) s.extended = tsField == kExtendedMarker;
  if (s.extended) tsField = loadU32(&hdr_[fixed]);
  if (s.inMessage) {
    // §5.3.1.2.4: only fmt 3 continues a message; its extended timestamp is ignored.
    if (fmt != 3) return Error::malformed("new chunk header inside an unfinished message");
  } else {
    if (fmt <= 1) {
      s.length = loadU24(mh + 3);
      s.header.typeId = mh[6];
    }
    if (fmt == 0) {
      // §5.3.1.2.1: message stream id is little-endian.
      s.header.streamId =
          uint32_t{mh[7]} | uint32_t{mh[8]} << 8 | uint32_t{mh[9]} << 16 | uint32_t{mh[10]} << 24;
    }
    RTCGATE_TRY(startMessage(s, fmt, tsField));
  }
  current_ = &s;
  chunkLeft_ = std::min(chunkSize_, s.length - static_cast<uint32_t>(s.payload.size()));
  return {};
}

// Absolute time: fmt 0 carries it, fmt 1/2 carry a delta, a fmt 3 that starts a message
// reuses the previous delta (§5.3.1.2.4, as ffmpeg's reader also does).
Status ChunkReader::startMessage(Stream& s, uint8_t fmt, uint32_t tsField) noexcept {
  if (s.length > limits_.maxMessageSize) return Error::malformed("message length over limit");
  if (fmt == 0) {
    s.header.timestamp = tsField;
  } else {
    s.header.timestamp += tsField;
  }
  s.delta = tsField;
  s.payload.clear();
  // A buffer much larger than this message (left by an earlier big one) is given back.
  constexpr size_t kSmallBuffer = 64 * 1024;
  if (s.payload.capacity() > 2 * std::max<size_t>(s.length, kSmallBuffer)) {
    bufferedBytes_ -= s.payload.capacity();
    std::vector<uint8_t>().swap(s.payload);
  }
  // Reserve only what a chunk or two brings: a peer announcing large messages it never
  // sends must not make us hold memory for them.
  RTCGATE_TRY(reserve(s, std::min<size_t>(s.length, kSmallBuffer)));
  s.inMessage = true;
  return {};
}

Status ChunkReader::reserve(Stream& s, size_t bytes) noexcept {
  const size_t before = s.payload.capacity();
  if (bytes <= before) return {};
  if (bufferedBytes_ - before + bytes > limits_.maxBufferedBytes)
    return Error::noSpace("RTMP message buffers over the connection's budget");
  try {
    s.payload.reserve(bytes);
  } catch (const std::exception&) {  // bad_alloc: this connection fails, the process goes on
    return Error::noSpace("out of memory for an RTMP message");
  }
  bufferedBytes_ = bufferedBytes_ - before + s.payload.capacity();
  return {};
}

Result<ChunkReader::Stream*> ChunkReader::stream(uint32_t csid, uint8_t fmt) noexcept {
  for (Stream& s : streams_) {
    if (s.csid == csid) return &s;
  }
  // §5.3.1.2.1: the first chunk of a chunk stream must carry a full (fmt 0) header.
  if (fmt != 0) return Error::malformed("fmt 1-3 chunk on a fresh chunk stream");
  if (streams_.size() >= limits_.maxChunkStreams) return Error::malformed("too many chunk streams");
  try {
    streams_.emplace_back();
  } catch (const std::exception&) {
    return Error::noSpace("out of memory for an RTMP chunk stream");
  }
  streams_.back().csid = csid;
  streams_.back().header.chunkStreamId = csid;
  return &streams_.back();
}

Status ChunkReader::applyControl(const Message& m) noexcept {
  if (m.type() == MessageType::kSetChunkSize) {
    auto set = SetChunkSize::parse(m.payload);
    if (!set.ok()) return set.error();
    if (set->chunkSize > limits_.maxChunkSize) return Error::unsupported("chunk size over limit");
    chunkSize_ = set->chunkSize;
  } else if (m.type() == MessageType::kAbort) {
    // §5.4.2: drop the partly received message of that chunk stream.
    auto abort = Abort::parse(m.payload);
    if (!abort.ok()) return abort.error();
    for (Stream& s : streams_) {
      if (s.csid == abort->chunkStreamId && s.inMessage) {
        s.inMessage = false;
        s.payload.clear();
      }
    }
  }
  return {};
}

}  // namespace rtcgate::wire::rtmp
