#pragma once
// RTMP message types and the reassembled message view (Adobe RTMP spec 1.0 §5.4, §6.1, §7.1).

#include <cstdint>
#include <span>

namespace rtcgate::wire::rtmp {

// Message type ids carried in the chunk message header (§5.4 control, §7.1 others).
enum class MessageType : uint8_t {
  kSetChunkSize = 1,
  kAbort = 2,
  kAcknowledgement = 3,
  kUserControl = 4,
  kWindowAckSize = 5,
  kSetPeerBandwidth = 6,
  kAudio = 8,
  kVideo = 9,
  kDataAmf3 = 15,
  kSharedObjectAmf3 = 16,
  kCommandAmf3 = 17,
  kDataAmf0 = 18,
  kSharedObjectAmf0 = 19,
  kCommandAmf0 = 20,
  kAggregate = 22,
};

// §5.4: protocol control messages travel on chunk stream 2, message stream 0.
inline constexpr uint32_t kControlChunkStreamId = 2;
// Lowest and highest chunk stream ids a basic header can carry (§5.3.1.1).
inline constexpr uint32_t kMinChunkStreamId = 2;
inline constexpr uint32_t kMaxChunkStreamId = 65599;
// §5.4.1: chunk size every connection starts with, in both directions.
inline constexpr uint32_t kDefaultChunkSize = 128;

// Routing of one message: where it goes and when (the chunk writer's input).
struct MessageHeader {
  uint32_t chunkStreamId = kControlChunkStreamId;
  uint32_t timestamp = 0;  // milliseconds, wraps modulo 2^32
  uint8_t typeId = 0;
  uint32_t streamId = 0;  // message stream id
  bool operator==(const MessageHeader&) const = default;
};

// One complete message from the chunk reader; the payload borrows the reader's buffer.
struct Message {
  MessageHeader header;
  std::span<const uint8_t> payload;
  MessageType type() const noexcept { return static_cast<MessageType>(header.typeId); }
};

}  // namespace rtcgate::wire::rtmp
