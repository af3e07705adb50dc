#pragma once
// Server side of one RTMP connection (Adobe RTMP spec 1.0 §5.2 handshake, §5.4 control,
// §7.2 NetConnection/NetStream commands) as a sans-IO state machine: TCP bytes in,
// bytes and typed publish/play events out through a listener.

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

// The listener's answer to a publish or play request: at once, or later through
// RtmpServerSession::decide (kPending: the stream's worker has to answer first).
enum class RtmpDecision : uint8_t { kAccept, kReject, kPending };

// Where a session is in the OBS/ffmpeg command flow (kDeciding: a publish or play waits
// for the listener's decision).
enum class RtmpSessionState : uint8_t {
  kHandshake,
  kAwaitingConnect,
  kConnected,
  kDeciding,
  kPublishing,
  kPlaying,
  kClosed
};

// Receives a session's outgoing bytes and events. Callbacks run inside onBytes/send*;
// they must not destroy the session (defer that to after the call returns).
class RtmpServerSessionListener {
 public:
  virtual ~RtmpServerSessionListener() = default;
  // Bytes to write to the TCP connection, in order; valid only during the call.
  virtual void onRtmpSend(std::span<const uint8_t> bytes) = 0;
  // A connected client wants to publish `streamKey` under `app` (already allow-listed).
  virtual RtmpDecision onRtmpPublish(std::string_view app, std::string_view streamKey) = 0;
  // A connected client wants to play `streamKey` under `app`.
  virtual RtmpDecision onRtmpPlay(std::string_view app, std::string_view streamKey) = 0;
  // A publisher's onMetaData object (from @setDataFrame or a bare onMetaData).
  virtual void onRtmpMetadata(const wire::rtmp::Amf0Value& metadata) = 0;
  // A timed data message of the publisher (onTextData, onCuePoint, onCaptionInfo, or any
  // other @setDataFrame payload than onMetaData) at its stream timestamp.
  virtual void onRtmpTimedData(uint32_t timestampMs, const wire::rtmp::DataMessage& data) {
    (void)timestampMs, (void)data;
  }
  // A publisher's FLV video/audio tag body (message types 9/8) with its RTMP timestamp.
  virtual void onRtmpVideo(uint32_t timestampMs, std::span<const uint8_t> flvTagBody) = 0;
  virtual void onRtmpAudio(uint32_t timestampMs, std::span<const uint8_t> flvTagBody) = 0;
  // The session ended (peer ended the stream, rejection, protocol violation); called
  // once. The owner closes the TCP connection after flushing what was sent.
  virtual void onRtmpClosed(std::string_view reason) = 0;
};

// What a server accepts and how it sets up each connection.
struct RtmpServerConfig {
  std::vector<std::string> apps{"live"};   // connect is refused for other app names
  uint32_t windowAckSize = 2500000;        // §5.4.4 sent on connect
  uint32_t peerBandwidth = 2500000;        // §5.4.5 sent on connect
  uint32_t outChunkSize = 4096;            // §5.4.1 our chunk size after connect
  wire::rtmp::ChunkReaderLimits readerLimits{64 * 1024, 4 * 1024 * 1024, 16, 8 * 1024 * 1024};
  uint32_t maxUnknownCommands = 256;       // a client spamming unknown commands is cut off
};

// One RTMP server connection: handshake, connect/createStream/publish|play, then media.
class RtmpServerSession final : private RtmpLinkSink {
 public:
  static constexpr uint32_t kStreamId = 1;  // the only message stream createStream hands out

  // `epochMs` and `random` fill S1 (deterministic in tests).
  RtmpServerSession(RtmpServerConfig config, RtmpServerSessionListener& listener, uint32_t epochMs,
                    std::span<const uint8_t> random);

  // Bytes read from the TCP connection, split anywhere. Ignored once closed.
  void onBytes(std::span<const uint8_t> bytes);
  // The peer closed the TCP connection; reports onRtmpClosed unless already closed.
  void onEof();
  // Ends the session from our side (e.g. server shutdown) with `reason`.
  void close(std::string_view reason);
  // The decision on a publish or play the listener answered kPending (ignored otherwise).
  void decide(RtmpDecision decision);

  // Player sessions (state kPlaying): media and metadata for the player, FLV tag bodies.
  Status sendVideo(uint32_t timestampMs, std::span<const uint8_t> flvTagBody);
  Status sendAudio(uint32_t timestampMs, std::span<const uint8_t> flvTagBody);
  Status sendMetadata(const wire::rtmp::Amf0Value& metadata);
  // A timed data message (onTextData, onCuePoint: its AMF0 body) at `timestampMs`.
  Status sendData(uint32_t timestampMs, std::span<const uint8_t> body);

  RtmpSessionState state() const noexcept { return state_; }
  const std::string& app() const noexcept { return app_; }
  const std::string& streamKey() const noexcept { return streamKey_; }
  const std::string& closeReason() const noexcept { return closeReason_; }
  // The client ended its stream itself (FCUnpublish, deleteStream, closeStream).
  bool endedByPeer() const noexcept { return endedByPeer_; }
  uint32_t unknownCommands() const noexcept { return unknownCommands_; }
  uint32_t ignoredMessages() const noexcept { return ignoredMessages_; }
  uint64_t bytesReceived() const noexcept { return link_.bytesReceived(); }

 private:
  void feedHandshake(std::span<const uint8_t>& bytes);
  void feedChunks(std::span<const uint8_t> bytes);
  void onMessage(const wire::rtmp::Message& m);
  void onControl(const wire::rtmp::Message& m);
  void onCommand(const wire::rtmp::Command& c);
  void onConnect(const wire::rtmp::Command& c);
  void onPublish(const wire::rtmp::Command& c);
  void onPlay(const wire::rtmp::Command& c);
  void answerPublish(bool accepted);
  void answerPlay(bool accepted);
  void onData(const wire::rtmp::Message& m);
  void onMedia(const wire::rtmp::Message& m);
  void fail(std::string reason);

  void sendCommand(std::span<const uint8_t> amf, uint32_t streamId);
  // RtmpLinkSink
  void onLinkSend(std::span<const uint8_t> bytes) override { listener_.onRtmpSend(bytes); }

  RtmpServerConfig config_;
  RtmpServerSessionListener& listener_;
  RtmpSessionState state_ = RtmpSessionState::kHandshake;
  wire::rtmp::Handshake handshake_;
  RtmpLink link_;
  std::string app_;
  std::string streamKey_;
  std::string closeReason_;
  uint32_t messagesRead_ = 0;
  uint32_t unknownCommands_ = 0;
  uint32_t ignoredMessages_ = 0;
  bool endedByPeer_ = false;
  bool decidingPlay_ = false;  // in kDeciding: a play (else a publish) waits
};

}  // namespace rtcgate::transport::rtmp
