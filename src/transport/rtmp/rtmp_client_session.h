#pragma once
// Client side of one RTMP publishing connection (Adobe RTMP spec 1.0 §5.2 handshake, §5.4
// control, §7.2 NetConnection/NetStream commands), the way ffmpeg and OBS push to a CDN, as
// a sans-IO state machine: server bytes in, our bytes and publish events out.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "transport/rtmp/rtmp_link.h"
#include "wire/rtmp/amf0.h"
#include "wire/rtmp/amf0_command.h"
#include "wire/rtmp/chunk_reader.h"
#include "wire/rtmp/chunk_writer.h"
#include "wire/rtmp/handshake.h"
#include "wire/rtmp/message.h"

namespace rtcgate::transport::rtmp {

// Where a publishing client is in the connect → createStream → publish flow.
enum class RtmpClientState : uint8_t {
  kIdle,            // constructed, start() not called
  kHandshake,       // C0+C1 sent, waiting for S0+S1+S2
  kConnecting,      // connect sent, waiting for its _result
  kCreatingStream,  // releaseStream/FCPublish/createStream sent
  kAwaitingPublish, // publish sent, waiting for onStatus
  kPublishing,      // NetStream.Publish.Start received: media may flow
  kClosed,
};

// Receives a client session's outgoing bytes and events. Callbacks run inside
// start/onBytes/close/send*; they must not destroy the session.
class RtmpClientSessionListener {
 public:
  virtual ~RtmpClientSessionListener() = default;
  // Bytes to write to the TCP connection, in order; valid only during the call.
  virtual void onRtmpClientSend(std::span<const uint8_t> bytes) = 0;
  // The server accepted the publish; sendVideo/sendAudio/sendMetadata now work.
  virtual void onRtmpClientPublishing() = 0;
  // The session ended (server rejected, protocol violation, EOF, close()); called once.
  virtual void onRtmpClientClosed(std::string_view reason) = 0;
};

// What to publish where, and the limits on what the server can make us hold.
struct RtmpClientConfig {
  std::string app;        // connect's app ("live")
  std::string tcUrl;      // connect's tcUrl ("rtmp://host:1935/live")
  std::string streamKey;  // releaseStream/FCPublish/publish name, query included
  std::string flashVer = "FMLE/3.0 (compatible; rtcgate)";
  uint32_t outChunkSize = 4096;  // §5.4.1 our chunk size, announced right after the handshake
  // A publisher receives only commands and control messages: small messages suffice.
  wire::rtmp::ChunkReaderLimits readerLimits{64 * 1024, 1024 * 1024, 16, 4 * 1024 * 1024};
  uint32_t maxUnknownMessages = 1024;  // commands/messages we ignore before giving up on the server
};

// One RTMP publishing connection: handshake, connect, createStream, publish, then media.
class RtmpClientSession final : private RtmpLinkSink {
 public:
  // Chunk stream ids as ffmpeg lays them out; servers do not depend on them.

  // `epochMs` and `random` fill C1 (deterministic in tests).
  RtmpClientSession(RtmpClientConfig config, RtmpClientSessionListener& listener, uint32_t epochMs,
                    std::span<const uint8_t> random);

  // Sends C0+C1. Call once, when the TCP connection is up.
  void start();
  // Bytes read from the TCP connection, split anywhere. Ignored once closed.
  void onBytes(std::span<const uint8_t> bytes);
  // The server closed the TCP connection.
  void onEof();
  // Ends the session from our side: FCUnpublish + deleteStream once a stream exists, then
  // onRtmpClientClosed(reason). The owner closes TCP after flushing what was sent.
  void close(std::string_view reason);

  // While publishing: @setDataFrame onMetaData, and FLV tag bodies as messages 9/8.
  Status sendMetadata(const wire::rtmp::Amf0Value& metadata);
  // A timed data message (onTextData, onCuePoint: its AMF0 body) at `timestampMs`.
  Status sendData(uint32_t timestampMs, std::span<const uint8_t> body);
  Status sendVideo(uint32_t timestampMs, std::span<const uint8_t> flvTagBody);
  Status sendAudio(uint32_t timestampMs, std::span<const uint8_t> flvTagBody);

  RtmpClientState state() const noexcept { return state_; }
  bool publishing() const noexcept { return state_ == RtmpClientState::kPublishing; }
  const std::string& closeReason() const noexcept { return closeReason_; }
  uint32_t streamId() const noexcept { return streamId_; }
  uint64_t bytesReceived() const noexcept { return link_.bytesReceived(); }
  uint64_t bytesSent() const noexcept { return link_.bytesSent(); }
  uint32_t acksSent() const noexcept { return link_.acksSent(); }
  uint32_t ignoredMessages() const noexcept { return ignoredMessages_; }

 private:
  void feedHandshake(std::span<const uint8_t>& bytes);
  void feedChunks(std::span<const uint8_t> bytes);
  void onMessage(const wire::rtmp::Message& m);
  void onControl(const wire::rtmp::Message& m);
  void onCommand(const wire::rtmp::Command& c);
  void onResult(const wire::rtmp::Command& c);
  void onError(const wire::rtmp::Command& c);
  void onStatus(const wire::rtmp::Command& c);
  void ignore();
  void fail(std::string reason);

  void sendConnect();
  void sendCreateStream();
  void sendNamed(std::string_view name, double transactionId, std::span<const wire::rtmp::Amf0Value> args,
                 uint32_t streamId);
  // RtmpLinkSink
  void onLinkSend(std::span<const uint8_t> bytes) override { listener_.onRtmpClientSend(bytes); }

  RtmpClientConfig config_;
  RtmpClientSessionListener& listener_;
  RtmpClientState state_ = RtmpClientState::kIdle;
  wire::rtmp::Handshake handshake_;
  RtmpLink link_;
  std::string closeReason_;
  double nextTransaction_ = 1;
  double connectTransaction_ = 0;
  double createStreamTransaction_ = 0;
  double publishTransaction_ = 0;
  uint32_t streamId_ = 0;
  uint32_t ourWindowSent_ = 0;   // last Window Acknowledgement Size we announced
  uint32_t ignoredMessages_ = 0;
};

}  // namespace rtcgate::transport::rtmp
