#pragma once
// RtmpEgress: pushes one stream's H.264/AAC frames to one RTMP URL (a CDN, YouTube,
// nginx-rtmp) over TCP, and keeps reconnecting with backoff until stopped.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "base/clock.h"
#include "edge/egress_policy.h"
#include "edge/flv_output.h"
#include "media/flv_muxer.h"
#include "net/tcp_writer.h"
#include "media/media_frame.h"
#include "net/event_loop.h"
#include "transport/rtmp/rtmp_client_session.h"
#include "transport/rtmp/rtmp_url.h"

namespace rtcgate::edge {

// Where an egress is: the states an operator sees (status().state spells them).
enum class RtmpEgressState : uint8_t { kStopped, kConnecting, kPublishing, kRetrying };
std::string_view rtmpEgressStateName(RtmpEgressState s) noexcept;

// Timing and buffering knobs; the defaults are what a CDN push wants, tests shorten them.
struct RtmpEgressOptions {
  int64_t connectTimeoutMs = 5000;        // DNS + TCP + RTMP until publishing
  int64_t initialBackoffMs = 1000;        // first retry delay, doubled per failure
  int64_t maxBackoffMs = 30000;
  double backoffJitter = 0.2;             // ± this fraction of each delay
  int64_t backoffResetAfterMs = 30000;    // publishing this long resets the delay
  int64_t metadataWaitMs = 1000;          // onMetaData waits this long for both tracks
  int64_t maxQueuedMs = 2000;             // unsent data older than this: drop video to a keyframe
  size_t maxQueuedBytes = 4 * 1024 * 1024;  // or more unsent bytes than this
  int64_t stallTimeoutMs = 15000;         // no write progress this long: reconnect
  int64_t closeLingerMs = 1000;           // stop() lets FCUnpublish drain this long
  // Addresses the push may connect to (null: any); checked on every resolution.
  const EgressPolicy* policy = nullptr;
};

// A snapshot for the admin API and logs.
struct RtmpEgressStatus {
  std::string state;  // "connecting" | "publishing" | "retrying" | "stopped"
  std::string url;    // the push URL with the stream key replaced by "***"
  uint64_t bytesSent = 0;
  uint64_t framesSent = 0;
  uint64_t framesDropped = 0;  // not publishing, waiting for a keyframe, or congested
  uint32_t connects = 0;       // connection attempts started
  std::string lastError;       // why the last attempt failed, empty if none did
  int64_t retryInMs = 0;       // while retrying: time to the next attempt
  int64_t publishingSinceMs = 0;  // Unix time publishing started, 0 unless publishing
};

// Told (on the loop thread) what the owner must act on.
class RtmpEgressListener {
 public:
  virtual ~RtmpEgressListener() = default;
  // A (re)connection is publishing: the source should produce a keyframe now.
  virtual void onEgressNeedsKeyframe() = 0;
  virtual void onEgressStateChanged(const RtmpEgressStatus& status) = 0;
};

// One push to one URL, living on one EventLoop: every call happens on that loop's thread.
class RtmpEgress final : private transport::rtmp::RtmpClientSessionListener, private FlvTagOutput {
 public:
  // `clock` (null: the steady clock) times back-offs, stalls and the output's queue.
  RtmpEgress(net::EventLoop& loop, std::string url, RtmpEgressListener& listener, RtmpEgressOptions options = {},
             Clock* clock = nullptr);
  ~RtmpEgress() override;
  RtmpEgress(const RtmpEgress&) = delete;
  RtmpEgress& operator=(const RtmpEgress&) = delete;

  // Starts connecting (a URL that does not parse stays stopped with lastError set).
  void start();
  // Unpublishes if publishing, closes the connection, cancels retries.
  void stop();
  // An H.264 or AAC frame from the source; written while publishing, else dropped.
  void onFrame(std::shared_ptr<const media::MediaFrame> frame);

  RtmpEgressStatus status() const;
  RtmpEgressState state() const noexcept { return state_; }

 private:
  class Connection;  // one TCP connection attempt, kept alive by its pending asio operations

  void beginAttempt();
  void onResolved(Connection& link, const boost::system::error_code& ec,
                  const boost::asio::ip::tcp::resolver::results_type& endpoints);
  void onConnected(Connection& link, const boost::system::error_code& ec);
  void onLinkRead(Connection& link, const boost::system::error_code& ec, std::span<const uint8_t> bytes);
  void onLinkWrote(size_t bytes) noexcept { bytesSent_ += bytes; }
  void onLinkFailed(std::string reason);
  void afterSession();
  void onPublishing();
  void failAttempt(std::string reason);
  void teardown(std::string_view closeReason);
  void setState(RtmpEgressState state, std::string_view why);

  // FlvTagOutput
  Status sendFlvMetadata(const wire::rtmp::Amf0Value& metadata) override;
  Status sendFlvTag(const media::FlvTag& tag) override;
  Status sendFlvData(uint32_t timestampMs, std::span<const uint8_t> body) override;
  size_t queuedBytes() const override;
  int64_t queuedAgeMs() const override;

  // transport::rtmp::RtmpClientSessionListener
  void onRtmpClientSend(std::span<const uint8_t> bytes) override;
  void onRtmpClientPublishing() override { sessionPublishing_ = true; }
  void onRtmpClientClosed(std::string_view reason) override;

  net::EventLoop& loop_;
  std::string urlText_;
  Result<transport::rtmp::RtmpUrl> url_;
  std::string displayUrl_;
  RtmpEgressListener& listener_;
  RtmpEgressOptions options_;
  SteadyClock steadyClock_;
  Clock& clock_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // timer callbacks check it

  RtmpEgressState state_ = RtmpEgressState::kStopped;
  std::shared_ptr<Connection> link_;
  std::unique_ptr<transport::rtmp::RtmpClientSession> session_;
  bool sessionPublishing_ = false;  // set inside session calls, acted on after them
  bool sessionClosed_ = false;
  std::string sessionCloseReason_;
  uint64_t attempt_ = 0;  // guards timer callbacks of earlier attempts
  net::Timer connectTimer_;
  net::Timer retryTimer_;
  int64_t backoffMs_ = 0;
  int64_t retryAtMs_ = 0;

  FlvOutput flv_;
  int64_t publishingSinceMs_ = 0;       // steady clock
  int64_t publishingSinceWallMs_ = 0;  // Unix time

  uint64_t bytesSent_ = 0;
  uint64_t framesDropped_ = 0;  // while not publishing
  uint32_t connects_ = 0;
  std::string lastError_;
};

}  // namespace rtcgate::edge
