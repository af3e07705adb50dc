#pragma once
// RtmpLink: what both ends of an RTMP connection do alike once the handshake is over — the
// chunk stream in both directions with byte counts, an Acknowledgement each time the peer's
// window of bytes has arrived (spec §5.4.3), the peer's Window Acknowledgement Size (§5.4.4)
// and answers to its pings (§7.1.7). Sans-IO: bytes to send go to the owner's sink.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "wire/rtmp/chunk_reader.h"
#include "wire/rtmp/chunk_writer.h"
#include "wire/rtmp/message.h"

namespace rtcgate::transport::rtmp {

// Chunk stream ids for each kind of message, as ffmpeg and OBS use them.
inline constexpr uint32_t kCommandCsid = 3;
inline constexpr uint32_t kAudioCsid = 4;
inline constexpr uint32_t kDataCsid = 5;
inline constexpr uint32_t kVideoCsid = 6;

// Takes the bytes a link sends, in order; valid only during the call.
class RtmpLinkSink {
 public:
  virtual ~RtmpLinkSink() = default;
  virtual void onLinkSend(std::span<const uint8_t> bytes) = 0;
};

class RtmpLink {
 public:
  RtmpLink(wire::rtmp::ChunkReaderLimits limits, RtmpLinkSink& sink) : reader_(limits), sink_(sink) {}

  // The next complete message from `in` (consumed up to it), or nullopt when `in` ran out.
  Result<std::optional<wire::rtmp::Message>> read(std::span<const uint8_t>& in);
  // Handshake bytes: counted like chunk bytes (acknowledgements count every byte).
  void countReceived(size_t n) noexcept { bytesReceived_ += n; }
  void sendRaw(std::span<const uint8_t> bytes);
  // Encodes into a reused buffer: after warm-up, media sends do not allocate.
  Status send(const wire::rtmp::MessageHeader& h, std::span<const uint8_t> payload);
  void sendControl(wire::rtmp::MessageType type, std::span<const uint8_t> payload);
  Status setOutChunkSize(uint32_t size) { return writer_.setChunkSize(size); }

  // Sends an Acknowledgement when the peer's window of bytes arrived since the last one.
  void maybeAcknowledge();
  // The peer's Window Acknowledgement Size; an error means the message is malformed.
  Status onWindowAckSize(std::span<const uint8_t> payload);
  // The peer's User Control message: a ping request is answered.
  Status onUserControl(std::span<const uint8_t> payload);

  bool midMessage() const noexcept { return reader_.midMessage(); }
  uint64_t bytesReceived() const noexcept { return bytesReceived_; }
  uint64_t bytesSent() const noexcept { return bytesSent_; }
  uint32_t acksSent() const noexcept { return acksSent_; }

 private:
  // A tiny window would have us answer nearly every read with an acknowledgement.
  static constexpr uint32_t kMinPeerWindow = 4096;

  wire::rtmp::ChunkReader reader_;
  wire::rtmp::ChunkWriter writer_;
  RtmpLinkSink& sink_;
  std::vector<uint8_t> out_;  // reused serialization buffer
  uint64_t bytesReceived_ = 0;
  uint64_t bytesSent_ = 0;
  uint64_t lastAckAt_ = 0;
  uint32_t peerWindow_ = 0;  // 0 until the peer sends Window Acknowledgement Size
  uint32_t acksSent_ = 0;
};

}  // namespace rtcgate::transport::rtmp
