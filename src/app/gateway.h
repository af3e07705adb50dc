#pragma once
// Gateway: the whole program wired together — the control loop, the directory, the codec
// pool, the media workers, the HTTP API and the RTMP server — from a Config. Wiring only:
// every part it holds lives in its own layer.

#include <memory>
#include <optional>
#include <string>

#include "api/admin_handler.h"
#include "api/api_config.h"
#include "api/health_handler.h"
#include "api/metrics_handler.h"
#include "api/static_handler.h"
#include "api/whip_handler.h"
#include "app/config.h"
#include "cluster/local_directory.h"
#include "cluster/node_directory.h"
#include "cluster/worker_pool.h"
#include "codec/codec_pool.h"
#include "crypto/dtls/certificate.h"
#include "edge/egress_manager.h"
#include "edge/relay_manager.h"
#include "api/relay_handler.h"
#include "edge/rtmp_server.h"
#include "edge/mix_manager.h"
#include "edge/recording_manager.h"
#include "edge/turn_service.h"
#include "edge/turn_tls_claimant.h"
#include "net/event_loop.h"
#include "api/session_limits.h"
#include "net/http_server.h"
#include "net/loop_executor.h"

namespace rtcgate::app {

class Gateway final : private cluster::WorkerObserver, cluster::NodeReporter, cluster::DirectoryObserver {
 public:
  Gateway(const Config& config, std::shared_ptr<const crypto::dtls::Certificate> certificate);
  ~Gateway() override;

  // Binds every socket and starts the threads; the exit code when something cannot start.
  std::optional<int> start();
  // Runs the control loop on this thread until stop() (a signal), then shuts down.
  void run();
  void stop();

 private:
  std::optional<int> startWorkers();
  std::optional<int> startHttp();
  std::optional<int> startRtmp();
  std::optional<int> startTurn();
  // Joins the cluster when [cluster] redis is set (app/gateway_cluster.cc).
  std::optional<int> startCluster();
  void shutdown();

  // cluster::NodeReporter (control thread)
  cluster::NodeLoad nodeLoad() override;
  std::vector<cluster::NodeStream> nodeStreams() override;
  void onStreamClaimedElsewhere(const std::string& stream, const std::string& owner) override;
  // cluster::DirectoryObserver (control thread)
  void onStreamPublished(const std::string& stream) override;
  void onStreamUnpublished(const std::string& stream) override;
  // Ends this node's source of `stream` (another node holds the name).
  void endLocalSource(const std::string& stream, const std::string& reason);

  // cluster::WorkerObserver (on worker threads)
  void onSessionEnded(unsigned worker, const std::string& id, const std::string& reason) override;
  void onFrameSourceEnded(unsigned worker, const std::string& id, const std::string& reason) override;
  void onSessionConnected(unsigned worker, const std::string& id) override;
  void onRelayLinkEnded(unsigned worker, const std::string& id, const std::string& reason) override;

  const Config& config_;
  std::shared_ptr<const crypto::dtls::Certificate> cert_;
  unsigned workerCount_;
  net::EventLoop control_{"rtc-control"};
  net::LoopExecutor controlExecutor_{control_};
  cluster::LocalDirectory directory_;
  codec::CodecPool codecPool_;
  cluster::WorkerPool workers_{control_};
  api::ApiConfig apiConfig_;
  std::unique_ptr<api::SessionLimits> sessionLimits_;  // per client address; control thread
  std::unique_ptr<net::HttpServer> http_;  // built from the config in startHttp
  api::HealthHandler health_;
  std::unique_ptr<api::WhipHandler> whip_, whep_;
  std::unique_ptr<edge::WorkerFanout> fanout_;  // a stream's players past one worker's share; null with one worker
  std::unique_ptr<edge::EgressManager> egress_;
  std::unique_ptr<edge::MixManager> mixes_;  // its mixing runs on its own thread
  std::unique_ptr<edge::RecordingManager> recordings_;  // files are written on its own thread
  std::unique_ptr<api::RoomSignaling> rooms_;
  std::unique_ptr<api::AdminHandler> admin_;
  std::unique_ptr<api::MetricsHandler> metrics_;
  std::unique_ptr<api::StaticHandler> files_;
  std::unique_ptr<edge::RtmpServer> rtmp_;  // touched only on the control thread
  std::shared_ptr<net::TlsContext> tls_;  // HTTPS and TURN over TLS; null without a certificate
  std::unique_ptr<edge::TurnService> turn_;  // runs on its own thread
  std::unique_ptr<edge::TurnTlsClaimant> turnTlsClaimant_;  // TURN over TLS on the HTTPS port
  std::unique_ptr<cluster::NodeDirectory> cluster_;  // null on a single node
  std::unique_ptr<edge::RelayManager> relays_;       // with the cluster
  std::unique_ptr<api::RelayHandler> relayHandler_;
  std::unique_ptr<cluster::RoomDirectory> roomDirectory_;  // rooms across nodes, with the cluster
  // The node's load as reported to the cluster: CPU time and media bytes sent since the last report.
  struct LoadSample {
    int64_t atUs = 0;
    int64_t cpuUs = 0;
    uint64_t bytesOut = 0;
  } lastLoad_;
  double cpuShare_ = 0;
  uint64_t egressBps_ = 0;
};

}  // namespace rtcgate::app
