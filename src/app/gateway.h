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
#include "cluster/worker_pool.h"
#include "codec/codec_pool.h"
#include "crypto/dtls/certificate.h"
#include "edge/egress_manager.h"
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

class Gateway final : private cluster::WorkerObserver {
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
  void shutdown();

  // cluster::WorkerObserver (on worker threads)
  void onSessionEnded(unsigned worker, const std::string& id, const std::string& reason) override;
  void onFrameSourceEnded(unsigned worker, const std::string& id, const std::string& reason) override;
  void onSessionConnected(unsigned worker, const std::string& id) override;

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
};

}  // namespace rtcgate::app
