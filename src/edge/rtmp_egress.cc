#include "edge/rtmp_egress.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <utility>

#include "base/clock.h"
#include "base/random.h"

namespace rtcgate::edge {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using transport::rtmp::RtmpClientConfig;
using transport::rtmp::RtmpClientSession;
using transport::rtmp::RtmpUrl;

std::string_view rtmpEgressStateName(RtmpEgressState s) noexcept {
  switch (s) {
    case RtmpEgressState::kStopped:
      return "stopped";
    case RtmpEgressState::kConnecting:
      return "connecting";
    case RtmpEgressState::kPublishing:
      return "publishing";
    case RtmpEgressState::kRetrying:
      return "retrying";
  }
  return "?";
}

// One TCP connection attempt: resolver, socket, read buffer and write queue. Every asio
// handler holds a shared_ptr to it, so the buffers outlive the operations; `owner_` is
// cleared when the egress lets go, after which handlers only finish flushing and close.
class RtmpEgress::Connection : public std::enable_shared_from_this<Connection> {
 public:
  // The writer keeps its own clock: a connection that lingers to flush its goodbye
  // outlives the egress (and any clock the egress was given).
  Connection(asio::io_context& io, RtmpEgress& owner)
      : resolver_(io), socket_(io), linger_(io), writer_(socket_, clock_), owner_(&owner) {}

  void resolve(const std::string& host, uint16_t port) {
    // No address_configured flag: on a host with only loopback it would hide 127.0.0.1.
    resolver_.async_resolve(host, std::to_string(port), tcp::resolver::numeric_service,
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        const tcp::resolver::results_type& results) {
                              if (self->owner_) self->owner_->onResolved(*self, ec, results);
                            });
  }

  void connect(const std::vector<tcp::endpoint>& endpoints) {
    writer_.onWritten([this](const boost::system::error_code& ec, size_t n) { onWritten(ec, n); });
    asio::async_connect(socket_, endpoints,
                        [self = shared_from_this()](const boost::system::error_code& ec, const tcp::endpoint&) {
                          if (!ec) {
                            boost::system::error_code ignored;
                            self->socket_.set_option(tcp::no_delay(true), ignored);
                          }
                          if (self->owner_) self->owner_->onConnected(*self, ec);
                        });
  }

  void readMore() {
    socket_.async_read_some(asio::buffer(readBuf_),
                            [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
                              if (self->owner_) self->owner_->onLinkRead(*self, ec, std::span(self->readBuf_).first(n));
                            });
  }

  void write(std::span<const uint8_t> bytes) { writer_.write(bytes, shared_from_this()); }
  const net::TcpWriter& writer() const noexcept { return writer_; }

  // Lets what is queued (FCUnpublish, deleteStream) drain for up to `lingerMs`, then closes.
  void closeAfterFlush(int64_t lingerMs) {
    owner_ = nullptr;
    resolver_.cancel();
    closing_ = true;
    if (writer_.idle()) return shutdown();
    linger_.expires_after(std::chrono::milliseconds(lingerMs));
    linger_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->shutdown();
    });
  }

  void abort() {
    owner_ = nullptr;
    resolver_.cancel();
    linger_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  void onWritten(const boost::system::error_code& ec, size_t n) {
    if (ec) {
      if (owner_ && ec != asio::error::operation_aborted) owner_->onLinkFailed("write failed: " + ec.message());
      return;
    }
    if (owner_) owner_->onLinkWrote(n);
    if (closing_ && writer_.idle()) shutdown();
  }

  void shutdown() {
    boost::system::error_code ignored;
    linger_.cancel();
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
  }

  tcp::resolver resolver_;
  tcp::socket socket_;
  asio::steady_timer linger_;
  SteadyClock clock_;
  net::TcpWriter writer_;
  RtmpEgress* owner_;
  std::array<uint8_t, 16 * 1024> readBuf_{};
  bool closing_ = false;
};

namespace {


std::string describeConnectError(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::timed_out) return "connect timed out";
  if (ec == asio::error::host_unreachable || ec == asio::error::network_unreachable) return "host unreachable";
  return "connect failed: " + ec.message();
}

}  // namespace

RtmpEgress::RtmpEgress(net::EventLoop& loop, std::string url, RtmpEgressListener& listener, RtmpEgressOptions options,
                       Clock* clock)
    : loop_(loop),
      urlText_(std::move(url)),
      url_(RtmpUrl::parse(urlText_)),
      displayUrl_(url_.ok() ? url_->redacted() : std::string("(invalid rtmp url)")),
      listener_(listener),
      options_(options),
      clock_(clock ? *clock : steadyClock_),
      connectTimer_(loop),
      retryTimer_(loop),
      flv_(clock_, FlvOutputOptions{options.metadataWaitMs, options.maxQueuedMs, options.maxQueuedBytes}) {}

RtmpEgress::~RtmpEgress() { teardown("egress destroyed"); }

void RtmpEgress::start() {
  if (state_ != RtmpEgressState::kStopped) return;
  if (!url_.ok()) {
    lastError_ = std::string("bad url: ") + url_.error().message;
    spdlog::error("rtmp egress {}: not started: {}", displayUrl_, lastError_);
    listener_.onEgressStateChanged(status());
    return;
  }
  backoffMs_ = options_.initialBackoffMs;
  beginAttempt();
}

void RtmpEgress::stop() {
  if (state_ == RtmpEgressState::kStopped) return;
  teardown("stopped");
  setState(RtmpEgressState::kStopped, "stopped");
}

// Closes the session (unpublishing when a stream exists) and lets go of the connection.
void RtmpEgress::teardown(std::string_view closeReason) {
  ++attempt_;
  connectTimer_.cancel();
  retryTimer_.cancel();
  if (session_) session_->close(closeReason);
  session_.reset();
  if (link_) link_->closeAfterFlush(options_.closeLingerMs);
  link_.reset();
}

void RtmpEgress::beginAttempt() {
  ++attempt_;
  ++connects_;
  sessionPublishing_ = sessionClosed_ = false;
  link_ = std::make_shared<Connection>(loop_.context(), *this);
  link_->resolve(url_->host, url_->port);
  const uint64_t attempt = attempt_;
  connectTimer_.startUs(options_.connectTimeoutMs * 1000, [this, alive = std::weak_ptr<int>(alive_), attempt] {
    if (alive.expired() || attempt != attempt_ || state_ != RtmpEgressState::kConnecting) return;
    failAttempt("not publishing after " + std::to_string(options_.connectTimeoutMs) + " ms (timeout)");
  });
  setState(RtmpEgressState::kConnecting, "attempt " + std::to_string(connects_));
}

void RtmpEgress::onResolved(Connection& link, const boost::system::error_code& ec,
                            const tcp::resolver::results_type& endpoints) {
  if (&link != link_.get()) return;
  if (ec) return failAttempt("cannot resolve " + url_->host + ": " + ec.message());
  std::vector<tcp::endpoint> allowed;
  std::string refused;
  for (const auto& entry : endpoints) {
    const tcp::endpoint ep = entry.endpoint();
    const SocketAddress address = SocketAddress::fromSockaddr(ep.data(), static_cast<socklen_t>(ep.size()));
    if (auto why = options_.policy ? options_.policy->refusal(address) : std::nullopt) {
      refused = *why;
      continue;
    }
    allowed.push_back(ep);
  }
  if (allowed.empty()) return failAttempt(refused.empty() ? "no address for " + url_->host : refused);
  link.connect(allowed);
}

void RtmpEgress::onConnected(Connection& link, const boost::system::error_code& ec) {
  if (&link != link_.get()) return;
  if (ec) return failAttempt(describeConnectError(ec));
  RtmpClientConfig config;
  config.app = url_->app;
  config.tcUrl = url_->tcUrl;
  config.streamKey = url_->streamKey;
  std::array<uint8_t, 64> random{};
  randomBytes(random);
  // The listener base is private (not part of the egress API); convert where it is visible.
  transport::rtmp::RtmpClientSessionListener& self = *this;
  session_ = std::make_unique<RtmpClientSession>(std::move(config), self,
                                                 static_cast<uint32_t>(clock_.nowMs()), random);
  session_->start();
  afterSession();
  if (link_.get() == &link) link.readMore();
}

void RtmpEgress::onLinkRead(Connection& link, const boost::system::error_code& ec, std::span<const uint8_t> bytes) {
  if (&link != link_.get() || !session_) return;
  if (ec == asio::error::eof) {
    session_->onEof();
  } else if (ec) {
    if (ec == asio::error::operation_aborted) return;
    return failAttempt("connection lost: " + ec.message());
  } else {
    session_->onBytes(bytes);
  }
  afterSession();
  if (link_.get() == &link && session_) link.readMore();
}

void RtmpEgress::onLinkFailed(std::string reason) { failAttempt(std::move(reason)); }

// Session events are recorded during its calls and handled here, once it has returned,
// so the session is never destroyed (or re-entered) from inside itself.
void RtmpEgress::afterSession() {
  if (sessionClosed_) return failAttempt(sessionCloseReason_);
  if (sessionPublishing_) {
    sessionPublishing_ = false;
    onPublishing();
  }
}

void RtmpEgress::onRtmpClientSend(std::span<const uint8_t> bytes) {
  if (link_) link_->write(bytes);
}

void RtmpEgress::onRtmpClientClosed(std::string_view reason) {
  sessionClosed_ = true;
  sessionCloseReason_ = std::string(reason);
}

void RtmpEgress::onPublishing() {
  connectTimer_.cancel();
  flv_.restart();
  publishingSinceMs_ = clock_.nowMs();
  publishingSinceWallMs_ = unixTimeMs();
  setState(RtmpEgressState::kPublishing, "server accepted the stream");
  listener_.onEgressNeedsKeyframe();
}

// Drops the connection and schedules the next attempt: 1 s doubling to 30 s, ± jitter,
// back to 1 s after a long enough stretch of publishing.
void RtmpEgress::failAttempt(std::string reason) {
  if (state_ == RtmpEgressState::kStopped || state_ == RtmpEgressState::kRetrying) return;
  if (state_ == RtmpEgressState::kPublishing &&
      clock_.nowMs() - publishingSinceMs_ >= options_.backoffResetAfterMs) {
    backoffMs_ = options_.initialBackoffMs;
  }
  lastError_ = std::move(reason);
  ++attempt_;
  connectTimer_.cancel();
  if (link_) link_->abort();
  link_.reset();
  session_.reset();
  const double spread = options_.backoffJitter * (2.0 * (randomU32() / 4294967295.0) - 1.0);
  const int64_t delayMs = std::max<int64_t>(1, static_cast<int64_t>(backoffMs_ * (1.0 + spread)));
  backoffMs_ = std::min(backoffMs_ * 2, options_.maxBackoffMs);
  retryAtMs_ = clock_.nowMs() + delayMs;
  const uint64_t attempt = attempt_;
  retryTimer_.startUs(delayMs * 1000, [this, alive = std::weak_ptr<int>(alive_), attempt] {
    if (alive.expired() || attempt != attempt_ || state_ != RtmpEgressState::kRetrying) return;
    beginAttempt();
  });
  setState(RtmpEgressState::kRetrying, lastError_ + ", retrying in " + std::to_string(delayMs) + " ms");
}

void RtmpEgress::setState(RtmpEgressState state, std::string_view why) {
  state_ = state;
  if (state == RtmpEgressState::kRetrying) {
    spdlog::warn("rtmp egress {}: {}: {}", displayUrl_, rtmpEgressStateName(state), why);
  } else {
    spdlog::info("rtmp egress {}: {} ({})", displayUrl_, rtmpEgressStateName(state), why);
  }
  listener_.onEgressStateChanged(status());
}

RtmpEgressStatus RtmpEgress::status() const {
  RtmpEgressStatus s;
  s.state = std::string(rtmpEgressStateName(state_));
  s.url = displayUrl_;
  s.bytesSent = bytesSent_;
  s.framesSent = flv_.framesSent();
  s.framesDropped = framesDropped_ + flv_.framesDropped();
  s.connects = connects_;
  s.lastError = lastError_;
  if (state_ == RtmpEgressState::kRetrying) s.retryInMs = std::max<int64_t>(0, retryAtMs_ - clock_.nowMs());
  if (state_ == RtmpEgressState::kPublishing) s.publishingSinceMs = publishingSinceWallMs_;
  return s;
}

void RtmpEgress::onFrame(std::shared_ptr<const media::MediaFrame> frame) {
  if (!frame) return;
  if (state_ != RtmpEgressState::kPublishing || !session_ || !link_) {
    ++framesDropped_;
    return;
  }
  if (link_->writer().queuedAgeMs() > options_.stallTimeoutMs) {
    return failAttempt("server stopped reading for " + std::to_string(options_.stallTimeoutMs) + " ms");
  }
  (void)flv_.push(*frame, *this);
}

Status RtmpEgress::sendFlvMetadata(const wire::rtmp::Amf0Value& metadata) { return session_->sendMetadata(metadata); }

Status RtmpEgress::sendFlvData(uint32_t timestampMs, std::span<const uint8_t> body) {
  return session_ ? session_->sendData(timestampMs, body) : Error::state("not connected");
}

Status RtmpEgress::sendFlvTag(const media::FlvTag& tag) {
  return tag.video ? session_->sendVideo(tag.timestampMs, tag.body) : session_->sendAudio(tag.timestampMs, tag.body);
}

size_t RtmpEgress::queuedBytes() const { return link_ ? link_->writer().queuedBytes() : 0; }

int64_t RtmpEgress::queuedAgeMs() const { return link_ ? link_->writer().queuedAgeMs() : 0; }

}  // namespace rtcgate::edge
