#include "app/gateway.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "app/http_setup.h"
#include "app/access_setup.h"
#include "base/hex.h"
#include "base/random.h"
#include "edge/turn_routes.h"

namespace rtcgate::app {

namespace {

unsigned workerCountOf(const Config& config) {
  return config.workers ? config.workers : std::max(1u, std::thread::hardware_concurrency());
}

api::ApiConfig apiConfigOf(const Config& config) {
  api::ApiConfig a;
  a.advertisedIps = config.advertisedIps;
  a.iceServers = config.iceServers;
  a.metricsPublic = config.metricsPublic;
  a.maxSessions = config.maxSessions;
  a.maxStreams = config.maxStreams;
  a.replacePublisher = config.replacePublisher;
  a.maxRooms = config.maxRooms;
  a.maxRoomParticipants = config.maxRoomParticipants;
  a.roomGraceUs = config.roomGraceSeconds * 1'000'000;
  a.webRoot = config.webRoot;
  return a;
}

// An ip:port setting, or nullopt with a log line naming the setting.
std::optional<SocketAddress> addressSetting(const char* name, const std::string& text) {
  try {
    const HostPort hp = parseHostPort(text);
    if (auto a = SocketAddress::parse(hp.host, hp.port)) return a;
    spdlog::error("{}: '{}' is not an IP address and port", name, text);
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", name, e.what());
  }
  return std::nullopt;
}

std::vector<uint8_t> randomBytesOf(size_t n) {
  std::vector<uint8_t> out(n);
  randomBytes(out);
  return out;
}

}  // namespace

Gateway::Gateway(const Config& config, std::shared_ptr<const crypto::dtls::Certificate> certificate)
    : config_(config),
      cert_(std::move(certificate)),
      workerCount_(workerCountOf(config)),
      directory_(workerCount_),
      codecPool_(config.codecThreads, 8, config.maxTranscodes),
      apiConfig_(apiConfigOf(config)) {}

Gateway::~Gateway() = default;

std::optional<int> Gateway::start() {
  try {
    apiConfig_.access = makeAccessPolicy(config_);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  if (apiConfig_.access.jwtEnabled())
    spdlog::info("auth: JWT access control on; tokens with the admin grant are needed for the admin API{}",
                 config_.metricsPublic ? "" : " and /metrics");
  spdlog::info("codec pool: {} threads", codecPool_.threads());
  if (auto rc = startWorkers()) return rc;
  try {
    tls_ = tlsContextOf(config_);  // HTTPS's certificate, which TURN over TLS shares
  } catch (const std::exception& e) {
    spdlog::error("https: {}", e.what());
    return 2;
  }
  if (auto rc = startTurn()) return rc;
  if (auto rc = startHttp()) return rc;
  if (auto rc = startRtmp()) return rc;
  return startCluster();
}

std::optional<int> Gateway::startWorkers() {
  for (unsigned i = 0; i < workerCount_; ++i) {
    const uint16_t port = config_.udpPort ? static_cast<uint16_t>(config_.udpPort + i) : 0;
    const auto udpAddr = SocketAddress::parse(config_.udpListenIp, port);
    if (!udpAddr) {
      spdlog::error("udp_listen_ip: '{}' is not an IP address", config_.udpListenIp);
      return 2;
    }
    auto worker = std::make_unique<cluster::Worker>(i, cert_, static_cast<cluster::WorkerObserver&>(*this));
    worker->setCodecPool(&codecPool_, {static_cast<int>(config_.keyframeIntervalMs), config_.seiMetadata});
    if (config_.iceTcp) {
      cluster::IceTcpLimits limits;
      limits.maxConnections = config_.iceTcpMaxConnections;
      worker->enableIceTcp(limits);
    }
    if (auto st = worker->start(*udpAddr); !st.ok()) {
      spdlog::error("worker {}: cannot bind UDP{} {}: {}", i, config_.iceTcp ? " and TCP" : "", udpAddr->toString(),
                    st.error().message);
      return 1;
    }
    spdlog::info("worker {}: media UDP port {}", i, worker->udpAddress().toString());
    if (config_.iceTcp) spdlog::info("worker {}: ICE-TCP port {}", i, worker->tcpAddress().toString());
    workers_.add(std::move(worker));
  }
  if (config_.advertisedIps.empty() && (config_.udpListenIp == "0.0.0.0" || config_.udpListenIp == "::")) {
    spdlog::warn("udp_listen_ip is a wildcard and advertised_ips is empty: set advertised_ips so peers can reach us");
  }
  return std::nullopt;
}

std::optional<int> Gateway::startHttp() {
  std::optional<SocketAddress> plainAddress, tlsAddress;
  if (!config_.httpListen.empty() && !(plainAddress = addressSetting("http_listen", config_.httpListen))) return 2;
  if (!config_.http.httpsListen.empty() && !(tlsAddress = addressSetting("https_listen", config_.http.httpsListen)))
    return 2;
  if (!plainAddress && !tlsAddress) {
    spdlog::error("http_listen and https_listen are both empty: nothing to serve the API on");
    return 2;
  }
  http_ = std::make_unique<net::HttpServer>(control_, httpLimitsOf(config_));
  if (turn_ && tls_) {
    turnTlsClaimant_ = std::make_unique<edge::TurnTlsClaimant>(*turn_, config_.turnTlsServerName);
    http_->setFirstBytesClaimant(turnTlsClaimant_.get());
  }
  using Mode = api::WhipHandler::Mode;
  whip_ = std::make_unique<api::WhipHandler>(Mode::kWhip, directory_, workers_, apiConfig_, *cert_);
  whep_ = std::make_unique<api::WhipHandler>(Mode::kWhep, directory_, workers_, apiConfig_, *cert_);
  sessionLimits_ = std::make_unique<api::SessionLimits>(api::SessionLimitsConfig{
      .sessionsPerSecond = config_.clientSessionsPerSecond,
      .sessionBurst = config_.clientSessionBurst,
      .maxPendingPerIp = config_.clientMaxPendingSessions,
      .exemptLoopback = !config_.http.limitLoopback});
  whip_->setSessionLimits(sessionLimits_.get());
  whep_->setSessionLimits(sessionLimits_.get());
  if (workers_.count() > 1 && config_.fanoutPlayersPerWorker > 0) {
    edge::WorkerFanoutOptions fo;
    fo.playersPerWorker = config_.fanoutPlayersPerWorker;
    fo.fingerprint = "sha-256 " + cert_->sdpFingerprint();
    fanout_ = std::make_unique<edge::WorkerFanout>(control_, directory_, workers_, fo);
    fanout_->start();
    whep_->setFanout(fanout_.get());
  }
  egress_ = std::make_unique<edge::EgressManager>(control_, controlExecutor_, directory_, workers_,
                                                 edge::EgressPolicy(config_.egressAllowedNetworks));
  rooms_ = std::make_unique<api::RoomSignaling>(control_, directory_, workers_, apiConfig_, *cert_);
  rooms_->start();
  mixes_ = std::make_unique<edge::MixManager>(control_, controlExecutor_, directory_, workers_, config_.maxMixes);
  rooms_->setMixes(mixes_.get());
  recordings_ = std::make_unique<edge::RecordingManager>(
      control_, controlExecutor_, directory_, workers_,
      edge::RecordingOptions{.dir = config_.recordingsDir, .maxRecordings = config_.maxRecordings});
  admin_ = std::make_unique<api::AdminHandler>(directory_, workers_, egress_.get(), rooms_.get(),
                                               &apiConfig_.access, mixes_.get());
  admin_->setRecordings(recordings_.get());
  metrics_ = std::make_unique<api::MetricsHandler>(workers_, rooms_.get(), http_.get(),
                                                   apiConfig_.metricsPublic ? nullptr : &apiConfig_.access);
  if (turn_) metrics_->setTurnStats(&turn_->stats());
  metrics_->setSessionLimits(sessionLimits_.get());
  files_ = std::make_unique<api::StaticHandler>(apiConfig_.webRoot);
  http_->setWebSocketLimits(webSocketLimitsOf(config_));
  http_->routeWebSocket("/rooms/ws", *rooms_);
  http_->route(net::HttpMethod::get, "/healthz", health_);
  http_->routeAnyMethod("/whip/", *whip_);
  http_->routeAnyMethod("/whep/", *whep_);
  http_->routeAnyMethod("/api/", *admin_);
  http_->route(net::HttpMethod::get, "/metrics", *metrics_);
  http_->route(net::HttpMethod::get, "/", *files_);
  if (plainAddress) {
    if (auto st = http_->listen(*plainAddress); !st.ok()) {
      spdlog::error("http: cannot listen on {}: {}", plainAddress->toString(), st.error().message);
      return 1;
    }
    spdlog::info("HTTP listening on http://{}", http_->localAddress().toString());
    spdlog::info("demo page: http://{}/", http_->localAddress().toString());
  }
  if (tlsAddress) {
    if (auto st = http_->listenTls(*tlsAddress, tls_); !st.ok()) {
      spdlog::error("https: cannot listen on {}: {}", tlsAddress->toString(), st.error().message);
      return 1;
    }
    spdlog::info("HTTPS listening on https://{}", http_->tlsLocalAddress().toString());
    spdlog::info("demo page: https://{}/", http_->tlsLocalAddress().toString());
    apiConfig_.turn.httpsPort = http_->tlsLocalAddress().port();
    if (turnTlsClaimant_)
      spdlog::info("TURN over TLS on the HTTPS port for ALPN \"stun.turn\"{}",
                   config_.turnTlsServerName.empty() ? "" : " and SNI " + config_.turnTlsServerName);
  }
  return std::nullopt;
}

std::optional<int> Gateway::startRtmp() {
  if (config_.rtmpListen.empty()) return std::nullopt;
  const auto address = addressSetting("rtmp_listen", config_.rtmpListen);
  if (!address) return 2;
  edge::RtmpServerOptions ro;
  ro.session.apps = config_.rtmpApps;
  ro.access = apiConfig_.access;
  ro.streamNameWithApp = config_.rtmpStreamName == "app/key";
  ro.replacePublisher = config_.replacePublisher;
  ro.maxSessions = config_.maxSessions;
  ro.maxStreams = config_.maxStreams;
  rtmp_ = std::make_unique<edge::RtmpServer>(control_, controlExecutor_, directory_, workers_, std::move(ro));
  if (auto st = rtmp_->listen(*address); !st.ok()) {
    spdlog::error("rtmp: cannot listen on {}: {}", address->toString(), st.error().message);
    return 1;
  }
  spdlog::info("RTMP listening on rtmp://{}/{{app}}/{{key}} (apps: {})", rtmp_->localAddress().toString(),
               fmt::join(config_.rtmpApps, ", "));
  return std::nullopt;
}

// The TURN server (docs/TURN.md) on its own thread: relaying is per-packet work that must
// delay neither signaling on the control loop nor forwarding on the media workers.
std::optional<int> Gateway::startTurn() {
  if (!config_.turnEnabled) return std::nullopt;
  std::string listenText = config_.turnListen;
  if (listenText.empty()) {
    const auto http = addressSetting("http_listen", config_.httpListen);
    if (!http) return 2;
    listenText = (http->isIpv6() ? "[" + http->ipString() + "]" : http->ipString()) + ":3478";
  }
  const auto listen = addressSetting("turn_listen", listenText);
  if (!listen) return 2;
  edge::TurnServiceOptions o;
  o.listen = *listen;
  o.relayIp = *SocketAddress::parse(config_.udpListenIp, 0);
  if (!config_.advertisedIps.empty()) {
    if (auto a = SocketAddress::parse(config_.advertisedIps.front(), 0)) o.relayAdvertisedIp = *a;
  }
  o.server.realm = config_.turnRealm;
  o.server.secret = config_.turnSecret.empty() ? toHex(randomBytesOf(32)) : config_.turnSecret;
  o.server.defaultLifetimeS = 600;
  o.server.maxAllocations = config_.turnMaxAllocations;
  o.server.maxAllocationsPerUser = config_.turnMaxAllocationsPerUser;
  o.server.maxBitrateAllocation = config_.turnMaxBitrate;
  o.server.maxBitratePerUser = config_.turnMaxUserBitrate;
  o.tls = tls_;
  if (!config_.turnTlsListen.empty()) {
    if (!tls_) {
      spdlog::error("turn_tls_listen needs a certificate: set https_listen (with tls_cert_file or tls_self_signed)");
      return 2;
    }
    const auto tlsListen = addressSetting("turn_tls_listen", config_.turnTlsListen);
    if (!tlsListen) return 2;
    o.tlsListen = *tlsListen;
  }
  std::vector<SocketAddress> bound;
  for (unsigned i = 0; i < workers_.count(); ++i) bound.push_back(workers_.udpAddress(i));
  turn_ = std::make_unique<edge::TurnService>(o);
  if (auto st = turn_->start(edge::turnPeerRoutes(bound, config_.advertisedIps)); !st.ok()) {
    spdlog::error("turn: cannot listen on {}: {}", listen->toString(), st.error().message);
    return 1;
  }
  auto& t = apiConfig_.turn;
  t.enabled = true;
  t.port = turn_->udpAddress().port();
  t.secret = o.server.secret;
  t.credentialTtlSeconds = config_.turnCredentialTtlSeconds;
  t.tlsPort = turn_->tlsAddress().empty() ? 0 : turn_->tlsAddress().port();
  t.tlsServerName = config_.turnTlsServerName;
  const std::string listenIp = turn_->udpAddress().ipString();
  t.host = !config_.advertisedIps.empty() ? config_.advertisedIps.front()
           : (listenIp == "0.0.0.0" || listenIp == "::") ? ""
                                                        : listenIp;
  spdlog::info("TURN listening on udp and tcp {} (realm {}, relays only to the media ports)",
               turn_->udpAddress().toString(), o.server.realm);
  if (t.tlsPort != 0) spdlog::info("TURN over TLS listening on {}", turn_->tlsAddress().toString());
  return std::nullopt;
}

void Gateway::run() {
  control_.runHere();
  spdlog::info("shutting down");
  shutdown();
}

void Gateway::stop() { control_.context().stop(); }

void Gateway::shutdown() {
  if (rooms_) {  // first: a room across nodes lets go of its relays and its record
    rooms_->endAll("shutdown");
    rooms_->setMixes(nullptr);
    rooms_->setCluster(nullptr, nullptr);
  }
  if (fanout_) fanout_->stop();
  if (relays_) relays_->stop();
  if (cluster_) cluster_->stop();
  if (http_) http_->close();
  if (turn_) turn_->stop();
  if (rtmp_) rtmp_->closeAll("shutdown");
  if (egress_) egress_->stopAll();
  if (mixes_) mixes_->stopAll();
  if (recordings_) recordings_->stopAll();
  workers_.stopAll();
}

// Sessions that end on a worker (consent loss, DTLS close) leave the directory too.
void Gateway::onSessionConnected(unsigned, const std::string& id) {
  control_.post([this, id] {
    if (sessionLimits_) sessionLimits_->settled(id);
  });
}

void Gateway::onSessionEnded(unsigned, const std::string& id, const std::string&) {
  control_.post([this, id] {
    if (sessionLimits_) sessionLimits_->settled(id);
    directory_.remove(id);
    if (relays_) relays_->onSessionEnded(id);
    if (fanout_) fanout_->onSessionEnded(id);
    if (rooms_) rooms_->onSessionEnded(id);
  });
}

void Gateway::onRelayLinkEnded(unsigned, const std::string& id, const std::string&) {
  control_.post([this, id] {
    if (relays_) relays_->onLinkEnded(id);
    if (fanout_) fanout_->onLinkEnded(id);
  });
}

void Gateway::onFrameSourceEnded(unsigned, const std::string& id, const std::string& reason) {
  control_.post([this, id, reason] {
    if (rtmp_) rtmp_->closeConnection(id, reason);
  });
}

}  // namespace rtcgate::app
