#pragma once
// Incremental RTMP chunk stream parser (Adobe RTMP spec 1.0 §5.3, §5.4.1, §5.4.2).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "wire/rtmp/message.h"

namespace rtcgate::wire::rtmp {

// Limits that bound what a peer can make the reader hold.
struct ChunkReaderLimits {
  uint32_t maxChunkSize = 64 * 1024;           // Set Chunk Size above this is refused
  uint32_t maxMessageSize = 16 * 1024 * 1024;  // message length field above this is refused
  size_t maxChunkStreams = 64;                 // distinct chunk stream ids alive at once
  // Message buffers of all chunk streams together (their capacity): a peer that starts
  // large messages on many chunk streams is refused past this, not given memory.
  size_t maxBufferedBytes = 32 * 1024 * 1024;
};

// Turns a TCP byte stream split anywhere into complete messages with absolute
// timestamps. Applies Set Chunk Size and Abort itself (and still returns them).
// Any error is fatal for the connection.
class ChunkReader {
 public:
  explicit ChunkReader(ChunkReaderLimits limits = {}) noexcept : limits_(limits) {}

  // Consumes bytes from the front of `in` until one message completes (returned, its
  // payload valid until the next call) or `in` is empty (returns nullopt).
  Result<std::optional<Message>> read(std::span<const uint8_t>& in) noexcept;

  uint32_t chunkSize() const noexcept { return chunkSize_; }
  // Total bytes consumed, for Acknowledgement sequence numbers (§5.4.3).
  uint64_t bytesRead() const noexcept { return bytesRead_; }
  // Bytes the message buffers hold (their capacity), bounded by maxBufferedBytes.
  size_t bufferedBytes() const noexcept { return bufferedBytes_; }
  // True while a chunk header or a message is only partly read (a peer that stops here
  // sent a truncated message).
  bool midMessage() const noexcept {
    if (hdrLen_ > 0 || chunkLeft_ > 0) return true;
    for (const auto& s : streams_)
      if (s.inMessage) return true;
    return false;
  }

 private:
  // Per chunk stream id: the last header fields (fmt 1/2/3 inherit them) and the
  // message being reassembled.
  struct Stream {
    uint32_t csid = 0;
    MessageHeader header;
    uint32_t length = 0;
    uint32_t delta = 0;            // last timestamp field, reapplied by fmt 3 on a new message
    bool extended = false;         // last fmt 0/1/2 header used an extended timestamp
    std::vector<uint8_t> payload;  // capacity reused from message to message
    bool inMessage = false;
  };

  size_t headerLength() const noexcept;
  Status onHeader() noexcept;
  Status startMessage(Stream& s, uint8_t fmt, uint32_t tsField) noexcept;
  Result<Stream*> stream(uint32_t csid, uint8_t fmt) noexcept;
  Status applyControl(const Message& m) noexcept;
  // Gives `s` a buffer of at least `bytes` (within the budget); never throws.
  Status reserve(Stream& s, size_t bytes) noexcept;

  ChunkReaderLimits limits_;
  uint32_t chunkSize_ = kDefaultChunkSize;
  uint64_t bytesRead_ = 0;
  size_t bufferedBytes_ = 0;
  std::vector<Stream> streams_;
  // Chunk header under assembly: basic (≤3) + message (≤11) + extended timestamp (4).
  std::array<uint8_t, 18> hdr_{};
  size_t hdrLen_ = 0;
  Stream* current_ = nullptr;  // stream whose chunk payload is being read
  uint32_t chunkLeft_ = 0;     // payload bytes left in the current chunk
};

}  // namespace rtcgate::wire::rtmp
