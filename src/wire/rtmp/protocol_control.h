#pragma once
// RTMP protocol control messages, types 1-6 (Adobe RTMP spec 1.0 §5.4, §7.1.7).

#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rtmp {

// §5.4.1 Set Chunk Size (type 1): the sender's new maximum chunk payload.
struct SetChunkSize {
  static constexpr uint32_t kMax = 0x7FFFFFFF;  // high bit must be zero
  uint32_t chunkSize = 128;
  static Result<SetChunkSize> parse(std::span<const uint8_t> payload) noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

// §5.4.2 Abort Message (type 2): discard the partial message of a chunk stream.
struct Abort {
  uint32_t chunkStreamId = 0;
  static Result<Abort> parse(std::span<const uint8_t> payload) noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

// §5.4.3 Acknowledgement (type 3): bytes received so far (wraps modulo 2^32).
struct Acknowledgement {
  uint32_t sequenceNumber = 0;
  static Result<Acknowledgement> parse(std::span<const uint8_t> payload) noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

// §5.4.4 Window Acknowledgement Size (type 5): acknowledge every this many bytes.
struct WindowAckSize {
  uint32_t windowSize = 0;
  static Result<WindowAckSize> parse(std::span<const uint8_t> payload) noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

// §5.4.5 Set Peer Bandwidth (type 6): limit the peer's output window.
struct SetPeerBandwidth {
  enum class LimitType : uint8_t { kHard = 0, kSoft = 1, kDynamic = 2 };
  uint32_t windowSize = 0;
  LimitType limitType = LimitType::kDynamic;
  static Result<SetPeerBandwidth> parse(std::span<const uint8_t> payload) noexcept;
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

// §7.1.7 User Control Message (type 4) event types.
enum class UserControlEvent : uint16_t {
  kStreamBegin = 0,
  kStreamEof = 1,
  kStreamDry = 2,
  kSetBufferLength = 3,
  kStreamIsRecorded = 4,
  kPingRequest = 6,
  kPingResponse = 7,
};

// §7.1.7 User Control Message: an event and its data (stream id or ping timestamp, plus
// the buffer length in ms for SetBufferLength).
struct UserControl {
  UserControlEvent event = UserControlEvent::kStreamBegin;
  uint32_t value = 0;           // stream id, or timestamp for ping request/response
  uint32_t bufferLengthMs = 0;  // SetBufferLength only
  static Result<UserControl> parse(std::span<const uint8_t> payload) noexcept;
  size_t size() const noexcept { return event == UserControlEvent::kSetBufferLength ? 10 : 6; }
  Result<size_t> serializeTo(std::span<uint8_t> out) const noexcept;
};

}  // namespace rtcgate::wire::rtmp
