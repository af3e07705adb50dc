#include "app/gateway_main.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "api/admin_handler.h"
#include "api/health_handler.h"
#include "api/metrics_handler.h"
#include "api/session_registry.h"
#include "api/static_handler.h"
#include "api/whip_handler.h"
#include "app/config.h"
#include "app/egress_manager.h"
#include "app/loop_executor.h"
#include "app/rtmp_server.h"
#include "app/worker_pool.h"
#include "crypto/dtls/certificate.h"
#include "mcu/codec_pool.h"
#include "base/log.h"
#include "net/event_loop.h"
#include "net/http_server.h"

namespace rtcgate::app {

namespace {

net::EventLoop* gControlLoop = nullptr;

void onSignal(int) {
  if (gControlLoop) gControlLoop->context().stop();
}

// Fills `config` from the command line (after the file named by --config), or exits.
int parseCommandLine(int argc, char** argv, Config& config) {
  CLI::App cli{"rtcgate — WebRTC gateway and media server"};
  std::string configFile;
  std::string workers;
  cli.add_option("-c,--config", configFile, "TOML config file (see config/rtcgate.toml); options below override it")
      ->check(CLI::ExistingFile);
  auto* httpOpt = cli.add_option("--http-listen", "HTTP listen address ip:port for WHIP/WHEP, API and demo page"
                                                  " (default 127.0.0.1:8080)");
  auto* udpIpOpt = cli.add_option("--udp-listen-ip", "IP the media UDP sockets bind to (default 127.0.0.1)");
  auto* udpPortOpt = cli.add_option("--udp-port", "UDP port of the first media worker; worker i uses port+i;"
                                                  " 0 = free ports (default 40000)");
  auto* workersOpt = cli.add_option("--workers", "media worker threads, one UDP port each; 0 = one per core");
  auto* advOpt = cli.add_option("--advertised-ip", "IP announced in ICE candidates (repeatable; for NAT/cloud)");
  auto* certOpt = cli.add_option("--cert", "DTLS certificate PEM file (default: generated at start)");
  auto* keyOpt = cli.add_option("--key", "DTLS private key PEM file");
  auto* logOpt = cli.add_option("--log-level", "trace, debug, info, warn or error (default info)");
  auto* rtmpOpt = cli.add_option("--rtmp-listen", "RTMP listen address ip:port for encoders and players; \"\" = off"
                                                  " (default 127.0.0.1:1935)");
  auto* codecOpt = cli.add_option("--codec-threads", "transcoding threads; 0 = one per core");
  auto* rtmpNameOpt = cli.add_option("--rtmp-stream-name", "stream an RTMP URL names: key (default) or app/key")
                          ->check(CLI::IsMember({"key", "app/key"}));
  try {
    cli.parse(argc, argv);
    if (!configFile.empty()) loadConfigFile(configFile, config);
    if (*httpOpt) config.httpListen = httpOpt->as<std::string>();
    if (*udpIpOpt) config.udpListenIp = udpIpOpt->as<std::string>();
    if (*udpPortOpt) config.udpPort = udpPortOpt->as<uint16_t>();
    if (*workersOpt) config.workers = workersOpt->as<unsigned>();
    if (*advOpt) config.advertisedIps = advOpt->as<std::vector<std::string>>();
    if (*certOpt) config.certFile = certOpt->as<std::string>();
    if (*keyOpt) config.keyFile = keyOpt->as<std::string>();
    if (*logOpt) config.logLevel = logOpt->as<std::string>();
    if (*rtmpOpt) config.rtmpListen = rtmpOpt->as<std::string>();
    if (*codecOpt) config.codecThreads = codecOpt->as<unsigned>();
    if (*rtmpNameOpt) config.rtmpStreamName = rtmpNameOpt->as<std::string>();
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rtcgate: %s\n", e.what());
    return 2;
  }
  return -1;
}

}  // namespace

int gatewayMain(int argc, char** argv) {
  Config config;
  if (int rc = parseCommandLine(argc, argv, config); rc >= 0) return rc;
  initLogging(config.logLevel);

  HostPort http;
  try {
    http = parseHostPort(config.httpListen);
  } catch (const std::exception& e) {
    spdlog::error("http_listen: {}", e.what());
    return 2;
  }
  const auto httpAddr = SocketAddress::parse(http.host, http.port);
  if (!httpAddr) {
    spdlog::error("http_listen: '{}' is not an IP address", http.host);
    return 2;
  }

  auto certificate = config.certFile.empty() ? crypto::dtls::Certificate::generate()
                                            : crypto::dtls::Certificate::loadPem(config.certFile, config.keyFile);
  if (!certificate.ok()) {
    spdlog::error("DTLS certificate: {}", certificate.error().message);
    return 1;
  }
  std::shared_ptr<const crypto::dtls::Certificate> cert(std::move(*certificate));
  spdlog::info("DTLS certificate fingerprint sha-256 {}", cert->sdpFingerprint());

  net::EventLoop control("rtc-control");
  const unsigned workerCount = config.workers ? config.workers : std::max(1u, std::thread::hardware_concurrency());
  api::SessionRegistry registry(workerCount);
  // Sessions that end on a worker (consent loss, DTLS close) leave the directory too.
  struct EndedObserver final : WorkerObserver {
    net::EventLoop& control;
    api::SessionRegistry& registry;
    RtmpServer* rtmp = nullptr;  // set once it exists (only touched on the control thread)
    EndedObserver(net::EventLoop& c, api::SessionRegistry& r) : control(c), registry(r) {}
    void onSessionEnded(unsigned, const std::string& id, const std::string&) override {
      control.post([this, id] { registry.remove(id); });
    }
    void onFrameSourceEnded(unsigned, const std::string& id, const std::string& reason) override {
      control.post([this, id, reason] {
        if (rtmp) rtmp->closeConnection(id, reason);
      });
    }
  } observer(control, registry);

  // Transcodes run here, off the media workers; the pool outlives the workers that use it.
  mcu::CodecPool codecPool(config.codecThreads);
  spdlog::info("codec pool: {} threads", codecPool.threads());
  LoopExecutor controlExecutor(control);
  WorkerPool workers(control);
  for (unsigned i = 0; i < workerCount; ++i) {
    const uint16_t port = config.udpPort ? static_cast<uint16_t>(config.udpPort + i) : 0;
    const auto udpAddr = SocketAddress::parse(config.udpListenIp, port);
    if (!udpAddr) {
      spdlog::error("udp_listen_ip: '{}' is not an IP address", config.udpListenIp);
      return 2;
    }
    auto worker = std::make_unique<Worker>(i, cert, observer);
    worker->setCodecPool(&codecPool, static_cast<int>(config.keyframeIntervalMs));
    if (auto st = worker->start(*udpAddr); !st.ok()) {
      spdlog::error("worker {}: cannot bind UDP {}: {}", i, udpAddr->toString(), st.error().message);
      return 1;
    }
    spdlog::info("worker {}: media UDP port {}", i, worker->udpAddress().toString());
    workers.add(std::move(worker));
  }
  if (config.advertisedIps.empty() && (config.udpListenIp == "0.0.0.0" || config.udpListenIp == "::")) {
    spdlog::warn("udp_listen_ip is a wildcard and advertised_ips is empty: set advertised_ips so peers can reach us");
  }

  api::ApiConfig apiConfig;
  apiConfig.advertisedIps = config.advertisedIps;
  apiConfig.iceServers = config.iceServers;
  apiConfig.tokens = config.tokens;
  apiConfig.maxSessions = config.maxSessions;
  apiConfig.replacePublisher = config.replacePublisher;
  apiConfig.webRoot = config.webRoot;

  net::HttpServer server(control);
  api::HealthHandler health;
  api::WhipHandler whip(api::WhipHandler::Mode::kWhip, registry, workers, apiConfig, *cert);
  api::WhipHandler whep(api::WhipHandler::Mode::kWhep, registry, workers, apiConfig, *cert);
  EgressManager egress(control, controlExecutor, registry, workers);
  api::AdminHandler admin(registry, workers, &egress);
  api::MetricsHandler metrics(workers);
  api::StaticHandler files(apiConfig.webRoot);
  server.route(net::HttpMethod::get, "/healthz", health);
  server.routeAnyMethod("/whip/", whip);
  server.routeAnyMethod("/whep/", whep);
  server.routeAnyMethod("/api/", admin);
  server.route(net::HttpMethod::get, "/metrics", metrics);
  server.route(net::HttpMethod::get, "/", files);
  if (auto st = server.listen(*httpAddr); !st.ok()) {
    spdlog::error("http: cannot listen on {}: {}", httpAddr->toString(), st.error().message);
    return 1;
  }
  spdlog::info("HTTP listening on http://{}", server.localAddress().toString());
  spdlog::info("demo page: http://{}/", server.localAddress().toString());

  std::optional<RtmpServer> rtmp;
  if (!config.rtmpListen.empty()) {
    RtmpServerOptions ro;
    ro.session.apps = config.rtmpApps;
    ro.tokens = config.tokens;
    ro.streamNameWithApp = config.rtmpStreamName == "app/key";
    ro.replacePublisher = config.replacePublisher;
    ro.maxSessions = config.maxSessions;
    rtmp.emplace(control, controlExecutor, registry, workers, std::move(ro));
    std::optional<SocketAddress> rtmpAddr;
    try {
      const HostPort hp = parseHostPort(config.rtmpListen);
      rtmpAddr = SocketAddress::parse(hp.host, hp.port);
    } catch (const std::exception& e) {
      spdlog::error("rtmp_listen: {}", e.what());
      return 2;
    }
    if (!rtmpAddr) {
      spdlog::error("rtmp_listen: '{}' is not an IP address and port", config.rtmpListen);
      return 2;
    }
    if (auto st = rtmp->listen(*rtmpAddr); !st.ok()) {
      spdlog::error("rtmp: cannot listen on {}: {}", rtmpAddr->toString(), st.error().message);
      return 1;
    }
    observer.rtmp = &*rtmp;
    spdlog::info("RTMP listening on rtmp://{}/{{app}}/{{key}} (apps: {})", rtmp->localAddress().toString(),
                 fmt::join(config.rtmpApps, ", "));
  }

  gControlLoop = &control;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  control.runHere();
  spdlog::info("shutting down");
  server.close();
  if (rtmp) rtmp->closeAll("shutdown");
  egress.stopAll();
  observer.rtmp = nullptr;
  workers.stopAll();
  return 0;
}

}  // namespace rtcgate::app
