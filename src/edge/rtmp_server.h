#pragma once
// RtmpServer: the RTMP listener (rtmp://host:port/{app}/{key}) on the control loop. Decides
// publish and play requests against the session registry (the same namespace, limits and
// tokens as WHIP/WHEP), starts the stream's frame source or frame sink on its worker, and
// keeps every live connection.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "cluster/access_policy.h"
#include "cluster/directory.h"
#include "edge/rtmp_connection.h"
#include "cluster/worker_pool.h"
#include "base/clock.h"
#include "base/executor.h"
#include "net/tcp_listener.h"

namespace rtcgate::edge {

class RelayManager;

struct RtmpServerOptions {
  transport::rtmp::RtmpServerConfig session;  // apps allowed, chunk size, limits
  RtmpConnectionLimits limits;
  cluster::AccessPolicy access;  // as for WHIP/WHEP; the token is passed as KEY?token=...
  bool streamNameWithApp = false;             // stream "{app}/{key}" instead of "{key}"
  bool replacePublisher = false;
  size_t maxSessions = 10000;
  size_t maxStreams = 1000;
  size_t maxConnections = 1000;
};

// A stream key as it may be written to a log: its query (where ?token= travels) hidden,
// at most 64 bytes.
std::string loggableStreamKey(std::string_view key);

class RtmpServer final : public net::TcpAcceptHandler {
 public:
  // `clock` (null: the steady clock) times the connections' limits.
  RtmpServer(net::EventLoop& control, Executor& controlExecutor, cluster::Directory& registry, cluster::WorkerPool& workers,
             RtmpServerOptions options, Clock* clock = nullptr);
  ~RtmpServer() override;

  Status listen(const SocketAddress& address);
  const SocketAddress& localAddress() const noexcept { return listener_.localAddress(); }
  // Closes the listener and every connection (shutdown).
  void closeAll(const std::string& reason);
  // A worker ended this connection's stream source (replaced, closed by an operator).
  void closeConnection(const std::string& id, const std::string& reason);

  // net::TcpAcceptHandler
  void onAccepted(boost::asio::ip::tcp::socket socket) override;

  // From connections. Refusals are answered at once; an admitted publish or play is
  // kPending until the stream's worker answers (RtmpConnection::settle).
  transport::rtmp::RtmpDecision decidePublish(RtmpConnection& c, std::string_view app, std::string_view key);
  transport::rtmp::RtmpDecision decidePlay(RtmpConnection& c, std::string_view app, std::string_view key);
  void onConnectionClosed(RtmpConnection& c, const std::string& reason);
  cluster::WorkerPool& workers() noexcept { return workers_; }
  // In a cluster: a player of a stream held on another node is served through a relay.
  void setRelays(RelayManager* relays) noexcept { relays_ = relays; }
  // In a cluster: a draining node takes no new RTMP streams (encoders are sent nowhere by RTMP;
  // they retry and their DNS or load balancer picks another node).
  void setDraining(std::function<bool()> draining) { draining_ = std::move(draining); }

 private:
  // Stream name and token from a publish/play key ("KEY?token=SECRET"); empty name if bad.
  struct Target {
    std::string stream;
    std::string token;
  };
  Target parseKey(std::string_view app, std::string_view key) const;
  // Publish (`publish` true) or play allowed by the target's token; a refusal is logged.
  bool authorized(const Target& t, const RtmpConnection& c, bool publish) const;
  // The play of a stream published (or relayed) here: a frame sink on its worker.
  transport::rtmp::RtmpDecision beginPlay(RtmpConnection& c, const Target& t, std::string_view app);
  // What to do with the worker's answer to `c`'s publish or play.
  cluster::Completion<Status> answerWhenSet(RtmpConnection& c, bool publisher, const std::string& stream,
                                            std::string_view app, unsigned worker);

  SteadyClock steadyClock_;
  Clock& clock_;
  Executor& executor_;
  cluster::Directory& registry_;
  cluster::WorkerPool& workers_;
  RtmpServerOptions options_;
  net::TcpListener listener_;
  std::map<std::string, std::shared_ptr<RtmpConnection>> connections_;
  RelayManager* relays_ = nullptr;
  std::function<bool()> draining_;
};

// What WHEP players of an RTMP-published stream are offered: H.264 (packetization-mode 1,
// Constrained Baseline) and Opus, whatever the encoder sends (renditions make them so).
std::vector<wire::sdp::NegotiatedMedia> rtmpPublishedMedia();

}  // namespace rtcgate::edge
