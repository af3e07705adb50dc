// The Gateway's part in a cluster (docs/CLUSTER.md): registering the node in Redis, reporting
// its load and streams, claiming the streams published here.
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>

#include "app/gateway.h"
#include "base/clock.h"

namespace rtcgate::app {

namespace {

int64_t processCpuUs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto us = [](const timeval& t) { return static_cast<int64_t>(t.tv_sec) * 1'000'000 + t.tv_usec; };
  return us(u.ru_utime) + us(u.ru_stime);
}

std::string hostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "rtcgate";
  std::string out;
  for (const char* c = name; *c && out.size() < 64; ++c)
    out += cluster::validNodeName(std::string_view(c, 1)) ? *c : '-';
  return out.empty() ? "rtcgate" : out;
}

std::string urlHost(const std::string& ip) { return ip.find(':') != std::string::npos ? "[" + ip + "]" : ip; }

}  // namespace

std::optional<int> Gateway::startCluster() {
  const ClusterConfig& c = config_.cluster;
  if (!c.enabled()) return std::nullopt;
  std::string why;
  auto endpoint = net::parseRedisUrl(c.redis, &why);
  if (!endpoint.ok()) {
    spdlog::error("cluster.redis: {}", why);
    return 2;
  }
  cluster::NodeInfo self;
  self.id = c.nodeId.empty() ? hostName() : c.nodeId;
  self.region = c.region;
  self.httpUrl = c.httpUrl;
  if (self.httpUrl.empty()) {
    const bool plain = !http_->localAddress().empty();
    const SocketAddress a = plain ? http_->localAddress() : http_->tlsLocalAddress();
    const std::string ip = !config_.advertisedIps.empty() ? config_.advertisedIps.front() : a.ipString();
    if (ip == "0.0.0.0" || ip == "::")
      spdlog::warn("cluster: HTTP listens on a wildcard address: set cluster.http_url (or advertised_ips) so other "
                   "nodes and redirected clients reach this node");
    self.httpUrl = std::string(plain ? "http://" : "https://") + urlHost(ip) + ":" + std::to_string(a.port());
  }
  self.relayHost = !c.relayHost.empty()              ? c.relayHost
                   : !config_.advertisedIps.empty() ? config_.advertisedIps.front()
                                                    : config_.udpListenIp;
  lastLoad_ = {SteadyClock().nowUs(), processCpuUs(), 0};
  cluster_ = std::make_unique<cluster::NodeDirectory>(control_, *endpoint, self, static_cast<cluster::NodeReporter&>(*this));
  directory_.setObserver(static_cast<cluster::DirectoryObserver*>(this));
  cluster_->start();
  edge::RelayManagerOptions ro;
  ro.relayHost = self.relayHost;
  ro.fingerprint = "sha-256 " + cert_->sdpFingerprint();
  relays_ = std::make_unique<edge::RelayManager>(control_, directory_, workers_, *cluster_, ro);
  relays_->start();
  relayHandler_ = std::make_unique<api::RelayHandler>(*cluster_, *relays_);
  roomDirectory_ = std::make_unique<cluster::RoomDirectory>(*cluster_);
  if (rooms_) rooms_->setCluster(roomDirectory_.get(), relays_.get());
  whip_->setCluster(cluster_.get(), relays_.get());
  whep_->setCluster(cluster_.get(), relays_.get());
  admin_->setCluster(cluster_.get());
  admin_->setRelayHandler(relayHandler_.get());
  if (rtmp_) {
    rtmp_->setRelays(relays_.get());
    rtmp_->setDraining([this] { return cluster_->draining(); });
  }
  spdlog::info("cluster: node '{}' in region '{}' at {} (relays to {}), directory redis://{}:{}", self.id, self.region,
               self.httpUrl, self.relayHost, endpoint->host, endpoint->port);
  return std::nullopt;
}

cluster::NodeLoad Gateway::nodeLoad() {
  // Media bytes sent, from the workers' last snapshots; asked again for the next report.
  workers_.metrics([this](std::vector<cluster::WorkerMetrics> all) {
    uint64_t bytesOut = 0;
    for (const auto& w : all) bytesOut += w.udp.bytesOut;
    const int64_t now = SteadyClock().nowUs(), cpu = processCpuUs();
    const int64_t elapsed = now - lastLoad_.atUs;
    if (elapsed > 100'000) {
      const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
      cpuShare_ = static_cast<double>(cpu - lastLoad_.cpuUs) / static_cast<double>(elapsed) / cores;
      if (bytesOut >= lastLoad_.bytesOut && lastLoad_.bytesOut != 0)
        egressBps_ = (bytesOut - lastLoad_.bytesOut) * 8 * 1'000'000 / static_cast<uint64_t>(elapsed);
      lastLoad_ = {now, cpu, bytesOut};
    }
  });
  cluster::NodeLoad load;
  load.cpu = cpuShare_;
  load.sessions = directory_.sessionCount();
  load.maxSessions = config_.maxSessions;
  load.egressBps = egressBps_;
  load.transcodes = codecPool_.running();
  load.maxTranscodes = config_.maxTranscodes;
  return load;
}

std::vector<cluster::NodeStream> Gateway::nodeStreams() {
  std::vector<cluster::NodeStream> out;
  directory_.forEachStream([&](const std::string& name, const cluster::StreamEntry& e) {
    if (e.publisherId.empty()) return;
    const cluster::SessionEntry* publisher = directory_.find(e.publisherId);
    cluster::NodeStream s{name, publisher ? sfu::sessionKindName(publisher->kind) : "?", e.sessions > 0 ? e.sessions - 1 : 0, ""};
    if (publisher && publisher->kind == sfu::SessionKind::kRelayIn && relays_) s.from = relays_->sourceNode(name);
    out.push_back(std::move(s));
  });
  return out;
}

void Gateway::onStreamPublished(const std::string& stream) {
  if (!cluster_) return;
  // A stream relayed here is claimed by the node holding its source.
  const cluster::StreamEntry* e = directory_.stream(stream);
  const cluster::SessionEntry* publisher = e ? directory_.find(e->publisherId) : nullptr;
  if (publisher && publisher->kind == sfu::SessionKind::kRelayIn) return;
  cluster_->claimStream(stream, [this, stream](cluster::StreamOwner o) {
    if (o.answered && o.node != cluster_->self().id)
      endLocalSource(stream, "stream '" + stream + "' is published on node " + o.node);
  });
}

void Gateway::onStreamUnpublished(const std::string& stream) {
  if (cluster_) cluster_->releaseStream(stream);  // only ever deletes this node's own claim
}

void Gateway::onStreamClaimedElsewhere(const std::string& stream, const std::string& owner) {
  endLocalSource(stream, "stream '" + stream + "' is published on node " + owner);
}

void Gateway::endLocalSource(const std::string& stream, const std::string& reason) {
  const cluster::StreamEntry* e = directory_.stream(stream);
  if (!e || e->publisherId.empty()) return;
  const cluster::SessionEntry* publisher = directory_.find(e->publisherId);
  if (!publisher) return;
  spdlog::warn("cluster: {}: ending this node's source {}", reason, publisher->id);
  const std::string id = publisher->id;
  const unsigned worker = publisher->worker;
  const bool rtmp = publisher->kind == sfu::SessionKind::kRtmpPublisher;
  directory_.remove(id);
  if (rtmp && rtmp_) rtmp_->closeConnection(id, reason);
  else workers_.closeSession(worker, id, reason);
}

}  // namespace rtcgate::app
