#pragma once
// RTMP chunk stream serializer with header compression (Adobe RTMP spec 1.0 §5.3).

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "wire/rtmp/message.h"

namespace rtcgate::wire::rtmp {

// Splits messages into chunks of the outgoing chunk size, picking the smallest header
// (fmt 0/1/2/3) each chunk stream allows and extended timestamps where needed.
class ChunkWriter {
 public:
  ChunkWriter() noexcept = default;

  // Takes effect for the next message. The caller first sends SetChunkSize with the old
  // size (the peer applies it after that message), then calls this.
  Status setChunkSize(uint32_t chunkSize) noexcept;
  uint32_t chunkSize() const noexcept { return chunkSize_; }

  // Upper bound on the bytes write() produces for a payload of this size.
  size_t maxEncodedSize(size_t payloadSize) const noexcept;

  // Serializes one message into `out`; returns the bytes written. On error nothing of
  // the compression state changes.
  Result<size_t> write(const MessageHeader& header, std::span<const uint8_t> payload,
                       std::span<uint8_t> out) noexcept;
  // Same, appending to `out` (control path and tests).
  Status append(const MessageHeader& header, std::span<const uint8_t> payload, std::vector<uint8_t>& out);

  // Forgets compression state, e.g. after an Abort the writer itself sent.
  void reset() noexcept { streams_.clear(); }

 private:
  // What the peer last saw on one chunk stream.
  struct Stream {
    uint32_t csid = 0;
    MessageHeader header;
    uint32_t length = 0;
    uint32_t delta = 0;
    bool deltaKnown = false;  // false after fmt 0
    bool extended = false;
  };

  Stream* find(uint32_t csid) noexcept;
  static uint8_t chooseFormat(const Stream* prev, const MessageHeader& h, uint32_t length) noexcept;
  uint32_t chunkSize_ = kDefaultChunkSize;
  std::vector<Stream> streams_;
};

}  // namespace rtcgate::wire::rtmp
