#pragma once
// RtmpConnection: one RTMP TCP connection on the control loop — drives the sans-IO
// RtmpServerSession, turns a publisher's FLV tags into frames for its stream's worker and
// a player's frames into FLV tags, and bounds everything a slow or broken peer could make
// it hold.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "edge/flv_output.h"
#include "edge/sei_metadata.h"
#include "media/flv_demuxer.h"
#include "net/tcp_writer.h"
#include "sfu/posting_frame_sink.h"
#include "transport/rtmp/rtmp_server_session.h"

namespace rtcgate::edge {

class RtmpServer;

// Limits of one connection.
struct RtmpConnectionLimits {
  int64_t setupTimeoutMs = 10'000;      // handshake → publish/play
  int64_t mediaTimeoutMs = 30'000;      // a publisher that sends nothing
  int64_t writeStallMs = 5'000;         // a write that does not finish (peer stopped reading)
  size_t maxBacklogBytes = 8u << 20;    // unsent output before a player is cut off
  int socketSendBuffer = 256 * 1024;    // so a peer that stops reading is noticed quickly
};

class RtmpConnection final : public std::enable_shared_from_this<RtmpConnection>,
                             public transport::rtmp::RtmpServerSessionListener,
                             public sfu::FrameTarget,
                             private FlvTagOutput {
 public:
  RtmpConnection(RtmpServer& server, boost::asio::ip::tcp::socket socket, std::string id,
                 const transport::rtmp::RtmpServerConfig& config, RtmpConnectionLimits limits, Clock& clock);
  ~RtmpConnection() override;

  void start();
  // Ends the connection from our side with `reason` (stream ended, replaced, shutdown).
  void close(const std::string& reason);

  const std::string& id() const noexcept { return id_; }
  const std::string& peer() const noexcept { return peer_; }
  // A play is being set up on its worker: frames that arrive before the answer are kept.
  void expectFrames() noexcept {
    if (role_ == Role::kNone) role_ = Role::kJoining;
  }
  // The worker's answer to a pending publish or play, on the control loop.
  void settle(bool accepted, bool publisher, std::string stream, unsigned worker);
  // The client ended its stream itself (unpublished), rather than dropping the connection.
  bool endedByPeer() const noexcept { return session_.endedByPeer(); }

  // transport::rtmp::RtmpServerSessionListener
  void onRtmpSend(std::span<const uint8_t> bytes) override;
  transport::rtmp::RtmpDecision onRtmpPublish(std::string_view app, std::string_view streamKey) override;
  transport::rtmp::RtmpDecision onRtmpPlay(std::string_view app, std::string_view streamKey) override;
  void onRtmpMetadata(const wire::rtmp::Amf0Value& metadata) override;
  void onRtmpTimedData(uint32_t timestampMs, const wire::rtmp::DataMessage& data) override;
  void onRtmpVideo(uint32_t timestampMs, std::span<const uint8_t> flvTagBody) override;
  void onRtmpAudio(uint32_t timestampMs, std::span<const uint8_t> flvTagBody) override;
  void onRtmpClosed(std::string_view reason) override;

  // sfu::FrameTarget (player): frames of the stream, on the control loop.
  void onFrame(std::shared_ptr<const media::MediaFrame> frame) override;
  void onStreamEnded(const std::string& reason) override;

 private:
  // kJoining: a play the worker is setting up; the stream's first frames (the GOP replayed
  // to a joining sink) can arrive before its answer, and wait for it.
  enum class Role : uint8_t { kNone, kJoining, kPublisher, kPlayer };
  static constexpr size_t kMaxEarlyFrames = 512;

  void read();
  void onWritten(const boost::system::error_code& ec);
  void onTimer();
  void armTimer();
  // After the session closed: flush what it sent, then close the socket and tell the server.
  void finish();
  void pushFrames();
  int64_t nowMs() const { return clock_.nowMs(); }
  // FlvTagOutput (player): the session's sends and the socket's backlog.
  Status sendFlvMetadata(const wire::rtmp::Amf0Value& metadata) override { return session_.sendMetadata(metadata); }
  Status sendFlvTag(const media::FlvTag& tag) override;
  Status sendFlvData(uint32_t timestampMs, std::span<const uint8_t> body) override {
    return session_.sendData(timestampMs, body);
  }
  size_t queuedBytes() const override { return writer_.queuedBytes(); }
  int64_t queuedAgeMs() const override { return writer_.queuedAgeMs(); }

  RtmpServer& server_;
  Clock& clock_;
  boost::asio::ip::tcp::socket socket_;
  net::TcpWriter writer_;
  boost::asio::steady_timer timer_;
  std::string id_;
  std::string peer_;
  RtmpConnectionLimits limits_;
  transport::rtmp::RtmpServerSession session_;
  std::array<uint8_t, 64 * 1024> readBuffer_{};
  bool timedDataTooLargeLogged_ = false;
  bool closed_ = false;   // the session is over
  bool finished_ = false;  // the socket is closed and the server told
  std::string closeReason_;
  Role role_ = Role::kNone;
  std::string stream_;
  unsigned worker_ = 0;
  int64_t startedMs_ = 0;
  int64_t lastMediaMs_ = 0;
  media::FlvDemuxer demuxer_;
  SeiMetadataReader sei_;  // timed metadata in the H.264 (SEI user data)
  std::vector<std::string> seiTexts_;
  FlvOutput flv_;
  std::vector<media::MediaFrame> frames_;
  std::vector<std::shared_ptr<const media::MediaFrame>> early_;  // while kJoining
  bool videoRefused_ = false;  // an unsupported video codec, logged once and ignored
  int64_t keyframeAskedMs_ = 0;
};

}  // namespace rtcgate::edge
