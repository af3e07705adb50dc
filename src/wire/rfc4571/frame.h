#pragma once
// RFC 4571 framing: RTP, RTCP, STUN, DTLS and any other datagram carried over a
// connection-oriented transport, each preceded by its length in two bytes. ICE-TCP (RFC 6544
// §3) uses it, and so may anything else that tunnels datagrams over TCP.

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rfc4571 {

// RFC 4571 §2: a 16-bit unsigned network-order LENGTH, then that many bytes.
inline constexpr size_t kHeaderSize = 2;
inline constexpr size_t kMaxPayload = 65535;

// One complete frame at the front of a byte stream.
struct Frame {
  std::span<const uint8_t> payload;  // may be empty: RFC 4571 allows a zero LENGTH
  size_t wireSize = 0;               // header + payload: how many bytes it takes in the stream
};

// The frame at the front of `stream` if it is complete; an error (kTruncated) while the
// header or part of the payload has not arrived yet. Every byte sequence is a valid prefix
// of some framed stream, so there is no other error.
Result<Frame> parseFrame(std::span<const uint8_t> stream) noexcept;

// The LENGTH the next frame announces, once its header is there.
Result<uint16_t> peekLength(std::span<const uint8_t> stream) noexcept;

// Writes the header of a `payloadSize`-byte frame into `out`; kMalformed above 65535.
Result<size_t> writeHeader(std::span<uint8_t> out, size_t payloadSize) noexcept;
// Writes header + payload into `out`; returns the bytes written.
Result<size_t> serializeTo(std::span<uint8_t> out, std::span<const uint8_t> payload) noexcept;

// FrameReader: reassembles frames from reads of any size into a fixed buffer that the
// caller owns (no allocation). A read writes into writable() and commit()s; next() then
// hands out complete frames one by one, as views valid until the next writable() or feed().
class FrameReader {
 public:
  enum class Status : uint8_t {
    kFrame,     // `payload` holds the next frame
    kNeedMore,  // no complete frame buffered: read more
    kTooLarge,  // the next frame announces more than maxPayload: the stream cannot go on
  };
  struct Next {
    Status status = Status::kNeedMore;
    std::span<const uint8_t> payload;
  };

  // `storage` must hold at least kHeaderSize + maxPayload bytes (a larger maxPayload is
  // lowered to fit), so that every acceptable frame fits once the buffer is compacted.
  FrameReader(std::span<uint8_t> storage, size_t maxPayload) noexcept;

  // Free room after the buffered bytes (compacted first when a frame was handed out).
  std::span<uint8_t> writable() noexcept;
  // `n` bytes were written at the front of writable().
  void commit(size_t n) noexcept;
  // Copies as much of `bytes` as fits and commits it; returns how many bytes it took.
  size_t feed(std::span<const uint8_t> bytes) noexcept;
  Next next() noexcept;

  size_t maxPayload() const noexcept { return maxPayload_; }
  // Bytes received and not yet handed out in a frame.
  size_t buffered() const noexcept { return end_ - begin_; }

 private:
  void compact() noexcept;

  std::span<uint8_t> storage_;
  size_t maxPayload_;
  size_t begin_ = 0;  // first byte not yet handed out
  size_t end_ = 0;    // end of the received bytes
};

}  // namespace rtcgate::wire::rfc4571
