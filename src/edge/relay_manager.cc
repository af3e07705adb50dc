#include "edge/relay_manager.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "base/clock.h"
#include "cluster/placement.h"
#include "cluster/session_id.h"
#include "net/http_client.h"
#include "sfu/relay_track.h"

namespace rtcgate::edge {

namespace {

int64_t nowUs() { return SteadyClock().nowUs(); }

std::optional<SocketAddress> parseAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  try {
    const unsigned long port = std::stoul(text.substr(colon + 1));
    if (port == 0 || port > 65535) return std::nullopt;
    return SocketAddress::parse(host, static_cast<uint16_t>(port));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<wire::sdp::NegotiatedMedia> mediaOf(const std::vector<sfu::RelayTrack>& tracks) {
  std::vector<wire::sdp::NegotiatedMedia> out;
  for (const auto& t : tracks) out.push_back(sfu::relayedMedia(t));
  return out;
}

}  // namespace

RelayManager::RelayManager(net::EventLoop& loop, cluster::Directory& directory, cluster::WorkerPool& workers,
                           cluster::NodeDirectory& cluster, RelayManagerOptions options)
    : loop_(loop), directory_(directory), workers_(workers), cluster_(cluster), options_(std::move(options)), timer_(loop) {}

RelayManager::~RelayManager() {
  *alive_ = false;
  stop();
}

void RelayManager::start() {
  if (running_) return;
  running_ = true;
  tick();
}

void RelayManager::stop() {
  running_ = false;
  timer_.cancel();
  for (auto& [stream, p] : pulls_)
    for (auto& w : p.waiters) w(RelayError{503, "shutting down"});
  pulls_.clear();
}

std::string RelayManager::workerAddress(unsigned worker) const {
  const SocketAddress a = workers_.udpAddress(worker);
  const std::string host = options_.relayHost.empty() ? a.ipString() : options_.relayHost;
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(a.port());
}

// --- pulling a stream held on another node ---

void RelayManager::pull(const std::string& stream, std::function<void(std::optional<RelayError>)> done) {
  if (auto it = pulls_.find(stream); it != pulls_.end()) {
    if (it->second.active) return done(std::nullopt);
    return it->second.waiters.push_back(std::move(done));
  }
  if (pulls_.size() >= options_.maxPulled) return done(RelayError{503, "this node relays its most streams (relays)"});
  Pull& p = pulls_[stream];
  p = Pull{};
  p.waiters.push_back(std::move(done));
  ++stats_.pullsStarted;
  startPull(stream);
}

bool RelayManager::hold(const std::string& stream, unsigned worker) {
  if (auto it = pulls_.find(stream); it != pulls_.end()) {
    // Lingering on another worker (a room that closed and opened again elsewhere) with nobody
    // on it: pulled again where it is wanted now.
    if (it->second.worker != worker && it->second.workerHint != worker && wanted(stream, it->second) == 0) {
      endPull(stream, "wanted on worker " + std::to_string(worker));
    } else {
      ++it->second.holds;
      if (!it->second.workerHint) it->second.workerHint = worker;
      return true;
    }
  }
  if (pulls_.size() >= options_.maxPulled) {
    spdlog::warn("relay: cannot hold '{}': this node relays its most streams", stream);
    return false;
  }
  Pull& p = pulls_[stream];
  p = Pull{};
  p.holds = 1;
  p.workerHint = worker;
  ++stats_.pullsStarted;
  startPull(stream);
  return true;
}

void RelayManager::unhold(const std::string& stream) {
  auto it = pulls_.find(stream);
  if (it != pulls_.end() && it->second.holds > 0) --it->second.holds;  // let go by tick() when idle
}

size_t RelayManager::wanted(const std::string& stream, const Pull& p) const {
  const cluster::StreamEntry* entry = directory_.stream(stream);
  const size_t players = entry ? entry->sessions - (entry->publisherId.empty() ? 0 : 1) : 0;
  return players + p.holds + p.waiters.size();
}

bool RelayManager::current(const std::string& stream, uint64_t attempt) const {
  auto it = pulls_.find(stream);
  return it != pulls_.end() && it->second.attempt == attempt;
}

void RelayManager::startPull(const std::string& stream) {
  const uint64_t attempt = pulls_[stream].attempt = ++nextAttempt_;
  cluster_.locateStream(stream, [this, alive = alive_, stream, attempt](cluster::StreamOwner owner) {
    if (!*alive || !current(stream, attempt)) return;
    if (!owner.answered) return finishPull(stream, RelayError{503, "the cluster directory did not answer: " + owner.error});
    if (owner.node.empty() || owner.node == cluster_.self().id)
      return finishPull(stream, RelayError{404, "stream '" + stream + "' is not being published"});
    // From the source's node, or from a node of this region that has it from there already.
    const cluster::NodeInfo* node =
        cluster::chooseRelaySource(cluster_.nodes(), cluster_.self().id, cluster_.self().region, stream, owner.node);
    if (!node) return finishPull(stream, RelayError{503, "stream '" + stream + "' is on node " + owner.node + ", not known here yet"});
    requestRelay(stream, *node);
  });
}

void RelayManager::requestRelay(const std::string& stream, const cluster::NodeInfo& node) {
  Pull& p = pulls_[stream];
  p.fromNode = node.id;
  // Players of it here are on the worker of its entry; a holder names the worker it wants.
  p.worker = directory_.stream(stream) || !p.workerHint ? directory_.workerFor(stream) : *p.workerHint;
  if (p.workerHint && p.worker != *p.workerHint)
    spdlog::warn("relay: '{}' is played here on worker {}, not on worker {} where it is held", stream, p.worker,
                 *p.workerHint);
  cluster::RelayRequest req;
  req.stream = stream;
  req.node = cluster_.self().id;
  const auto ice = transport::ice::IceCredentials::generate();
  req.endpoint = {workerAddress(p.worker), ice.ufrag, ice.pwd, options_.fingerprint};
  for (const auto& [id, l] : links_)
    if (l.node == node.id && l.worker == p.worker) req.knownLinks.push_back(id);
  const LinkKey key{node.id, p.worker};
  const bool opening = req.knownLinks.empty();
  if (opening) {
    if (linkPending_.count(key)) return waitingForLink_[key].push_back(stream);
    linkPending_.insert(key);
  }
  const uint64_t attempt = p.attempt;
  net::HttpClientRequest http;
  http.method = net::HttpMethod::post;
  http.url = node.httpUrl + "/api/cluster/relays";
  http.headers.emplace_back("Authorization", "Bearer " + cluster_.secret());
  http.contentType = "application/json";
  http.body = cluster::relayRequestToJson(req);
  http.timeoutUs = options_.requestTimeoutUs;
  net::httpRequest(loop_, std::move(http), [this, alive = alive_, stream, node, ice, attempt, key, opening](net::HttpClientResult r) {
    if (!*alive) return;
    if (!current(stream, attempt)) {
      // Let go meanwhile: a relay made for it is released.
      if (const auto a = r.ok && r.status == 201 ? cluster::parseRelayAnswer(r.body) : std::nullopt) releaseRemote(node.id, a->relay);
    } else if (!r.ok) {
      finishPull(stream, RelayError{502, "node " + node.id + " did not answer the relay request: " + r.error});
    } else {
      onRelayAnswer(stream, node, ice, r.status, r.body);
    }
    if (!opening) return;
    // The link (if one was made) is known now: the requests that waited for it go.
    linkPending_.erase(key);
    auto waiting = std::move(waitingForLink_[key]);
    waitingForLink_.erase(key);
    for (const auto& s : waiting) {
      auto it = pulls_.find(s);
      if (it != pulls_.end() && !it->second.active && it->second.relayId.empty()) requestRelay(s, node);
    }
  });
}

void RelayManager::onRelayAnswer(const std::string& stream, const cluster::NodeInfo& node,
                                 transport::ice::IceCredentials ice, unsigned status, const std::string& body) {
  if (status != 201) {
    const unsigned mine = status == 404 ? 404 : 502;
    return finishPull(stream, RelayError{mine, "node " + node.id + " refused the relay (" + std::to_string(status) + "): " + body});
  }
  std::string why;
  auto answer = cluster::parseRelayAnswer(body, &why);
  if (!answer) return finishPull(stream, RelayError{502, "node " + node.id + " answered a bad relay: " + why});
  Pull& p = pulls_[stream];
  p.relayId = answer->relay;
  if (!answer->linkEndpoint) {
    const auto link = links_.find(answer->link);
    if (link == links_.end() || link->second.worker != p.worker) {
      releaseRemote(node.id, answer->relay);
      return finishPull(stream, RelayError{502, "node " + node.id + " offered a relay link this node does not hold"});
    }
    return receive(stream, *answer, node.id);
  }
  const auto remote = parseAddress(answer->linkEndpoint->address);
  if (!remote || links_.count(answer->link)) {
    releaseRemote(node.id, answer->relay);
    return finishPull(stream, RelayError{502, "node " + node.id + " offered an unusable relay link"});
  }
  sfu::RelayLinkSpec spec;
  spec.id = answer->link;
  spec.client = true;
  spec.localIce = ice;
  spec.remoteIce = {answer->linkEndpoint->iceUfrag, answer->linkEndpoint->icePwd};
  spec.remoteFingerprint = answer->linkEndpoint->fingerprint;
  spec.remoteAddress = *remote;
  links_[answer->link] = {p.worker, node.id, answer->linkEndpoint->address};
  const uint64_t attempt = p.attempt;
  workers_.addRelayLink(p.worker, spec, [this, alive = alive_, stream, answer = *answer, node = node.id, attempt](Status st) {
    if (!*alive) return;
    if (!st.ok()) {
      links_.erase(answer.link);
      releaseRemote(node, answer.relay);
      if (current(stream, attempt))
        finishPull(stream, RelayError{503, std::string("cannot open the relay link: ") + st.error().message});
      return;
    }
    if (!current(stream, attempt)) return releaseRemote(node, answer.relay);
    receive(stream, answer, node);
  });
}

void RelayManager::receive(const std::string& stream, const cluster::RelayAnswer& answer, const std::string& fromNode) {
  Pull& p = pulls_[stream];
  const cluster::StreamEntry* entry = directory_.stream(stream);
  if (entry && !entry->publisherId.empty()) {
    // Published here meanwhile: players take the local source.
    releaseRemote(fromNode, answer.relay);
    return finishPull(stream, std::nullopt);
  }
  sfu::SessionSpec spec;
  spec.id = answer.relay;
  spec.stream = stream;
  spec.peerNode = fromNode;
  spec.createdMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  directory_.addPublisher({answer.relay, sfu::SessionKind::kRelayIn, stream, p.worker, "", ""}, mediaOf(answer.tracks));
  workers_.addRelayReceiver(p.worker, std::move(spec), answer.link, answer.tracks,
                            [this, alive = alive_, stream, relay = answer.relay, fromNode, attempt = p.attempt,
                             worker = p.worker](Status st) {
                              if (!*alive) return;
                              if (!st.ok()) {
                                directory_.remove(relay);
                                releaseRemote(fromNode, relay);
                                if (current(stream, attempt))
                                  finishPull(stream, RelayError{503, std::string("cannot receive the relay: ") +
                                                                         st.error().message});
                                return;
                              }
                              auto it = pulls_.find(stream);
                              if (it == pulls_.end() || it->second.attempt != attempt || it->second.relayId != relay) {
                                // Let go meanwhile: undone here and there.
                                directory_.remove(relay);
                                workers_.closeSession(worker, relay, "no longer wanted");
                                return releaseRemote(fromNode, relay);
                              }
                              it->second.active = true;
                              it->second.retryDelayUs = 0;
                              spdlog::info("relay: '{}' relayed from node {} ({})", stream, fromNode, relay);
                              finishPull(stream, std::nullopt);
                              if (pulledListener_) pulledListener_(stream);
                            });
}

void RelayManager::finishPull(const std::string& stream, std::optional<RelayError> error) {
  auto it = pulls_.find(stream);
  if (it == pulls_.end()) return;
  auto waiters = std::move(it->second.waiters);
  it->second.waiters.clear();
  if (error) {
    ++stats_.pullsFailed;
    spdlog::warn("relay: cannot relay '{}' here: {}", stream, error->reason);
    // Players already here wait for the stream (as for a lost publisher, until the worker's
    // grace period ends them) and it is asked for again, wherever it is published by then;
    // with none, the pull is forgotten.
    const cluster::StreamEntry* entry = directory_.stream(stream);
    if ((entry && entry->sessions > 0) || it->second.holds > 0) {
      Pull& p = it->second;
      p.active = false;
      p.relayId.clear();
      p.retryDelayUs = std::min(options_.maxRetryUs, p.retryDelayUs ? p.retryDelayUs * 2 : options_.retryUs);
      p.retryAtUs = nowUs() + p.retryDelayUs;
    } else {
      pulls_.erase(it);
    }
  }
  for (auto& w : waiters) w(error);
}

void RelayManager::endPull(const std::string& stream, const std::string& reason) {
  auto it = pulls_.find(stream);
  if (it == pulls_.end()) return;
  Pull p = std::move(it->second);
  pulls_.erase(it);
  for (auto& w : p.waiters) w(RelayError{503, reason});
  if (p.relayId.empty()) return;
  spdlog::info("relay: '{}' from node {} let go: {}", stream, p.fromNode, reason);
  directory_.remove(p.relayId);
  workers_.closeSession(p.worker, p.relayId, reason);
  releaseRemote(p.fromNode, p.relayId);
}

void RelayManager::releaseRemote(const std::string& nodeId, const std::string& relayId) {
  const cluster::NodeInfo* node = cluster_.node(nodeId);
  if (!node) return;  // gone: its relays went with it
  net::HttpClientRequest http;
  http.method = net::HttpMethod::delete_;
  http.url = node->httpUrl + "/api/cluster/relays/" + relayId + "?node=" + cluster_.self().id;
  http.headers.emplace_back("Authorization", "Bearer " + cluster_.secret());
  http.timeoutUs = options_.requestTimeoutUs;
  net::httpRequest(loop_, std::move(http), [](net::HttpClientResult) {});
}

// --- serving another node ---

void RelayManager::serve(const cluster::RelayRequest& req, std::function<void(unsigned, std::string)> done) {
  const cluster::StreamEntry* entry = directory_.stream(req.stream);
  if (!entry || entry->publisherId.empty()) return done(404, "stream '" + req.stream + "' is not published on this node");
  if (served_.size() >= options_.maxServed) return done(503, "this node sends its most relays");
  if (!parseAddress(req.endpoint.address)) return done(400, "endpoint address is not ip:port");
  const unsigned worker = entry->worker;
  // One link per pair of workers: reuse the one to the asking worker when the asker holds it too.
  for (const auto& id : req.knownLinks) {
    auto it = links_.find(id);
    if (it != links_.end() && it->second.worker == worker && it->second.address == req.endpoint.address &&
        it->second.node == req.node)
      return addSender(req, id, std::nullopt, worker, std::move(done));
  }
  // A link to that worker the asker did not name is one it no longer has (it restarted): replaced.
  for (auto it = links_.begin(); it != links_.end();) {
    if (it->second.worker == worker && it->second.address == req.endpoint.address) {
      workers_.closeRelayLink(worker, it->first, "replaced by a new link from node " + req.node);
      it = links_.erase(it);
    } else {
      ++it;
    }
  }
  sfu::RelayLinkSpec spec;
  spec.id = cluster::newSessionId();
  spec.client = false;
  spec.localIce = transport::ice::IceCredentials::generate();
  spec.remoteIce = {req.endpoint.iceUfrag, req.endpoint.icePwd};
  spec.remoteFingerprint = req.endpoint.fingerprint;
  spec.remoteAddress = *parseAddress(req.endpoint.address);
  const cluster::LinkEndpoint mine{workerAddress(worker), spec.localIce.ufrag, spec.localIce.pwd, options_.fingerprint};
  links_[spec.id] = {worker, req.node, req.endpoint.address};
  const std::string linkId = spec.id;
  workers_.addRelayLink(worker, std::move(spec), [this, alive = alive_, req, linkId, mine, worker, done](Status st) {
    if (!*alive) return;
    if (!st.ok()) {
      links_.erase(linkId);
      return done(503, std::string("cannot open a relay link: ") + st.error().message);
    }
    addSender(req, linkId, mine, worker, done);
  });
}

void RelayManager::addSender(const cluster::RelayRequest& req, const std::string& linkId,
                             std::optional<cluster::LinkEndpoint> newLink, unsigned worker,
                             std::function<void(unsigned, std::string)> done) {
  const cluster::StreamEntry* entry = directory_.stream(req.stream);
  if (!entry || entry->publisherId.empty()) return done(404, "stream '" + req.stream + "' ended");
  const std::string id = cluster::newSessionId();
  workers_.addRelaySender(
      worker, id, req.stream, linkId, req.node, entry->published,
      [this, alive = alive_, req, id, linkId, newLink, worker, done](Result<std::vector<sfu::RelayTrack>> tracks) {
        if (!*alive) return;
        if (!tracks.ok()) {
          ++stats_.servedRefused;
          const unsigned status = tracks.error().code == Error::Code::kNotFound ? 404 : 503;
          return done(status, std::string("cannot relay: ") + tracks.error().message);
        }
        directory_.addSubscriber({id, sfu::SessionKind::kRelayOut, req.stream, worker, "", ""});
        served_[id] = {req.stream, req.node, worker};
        ++stats_.served;
        spdlog::info("relay: '{}' sent to node {} ({}, link {})", req.stream, req.node, id, linkId);
        cluster::RelayAnswer a;
        a.relay = id;
        a.link = linkId;
        a.linkEndpoint = newLink;
        a.tracks = std::move(*tracks);
        done(201, cluster::relayAnswerToJson(a));
      });
}

bool RelayManager::release(const std::string& relayId, const std::string& node) {
  auto it = served_.find(relayId);
  if (it == served_.end() || it->second.node != node) return false;
  workers_.closeSession(it->second.worker, relayId, "released by node " + node);
  return true;
}

// --- endings ---

void RelayManager::onSessionEnded(const std::string& id) {
  if (served_.erase(id)) return;
  for (auto& [stream, p] : pulls_) {
    if (p.relayId != id) continue;
    // The relay failed (link lost, the far side's source lost or replaced) while players may
    // wait: ask again soon (finishPull keeps the pull while players remain).
    spdlog::info("relay: '{}' from node {} ended", stream, p.fromNode);
    releaseRemote(p.fromNode, p.relayId);  // ended here (replaced, closed): the sender there goes too
    p.active = false;
    p.relayId.clear();
    p.attempt = ++nextAttempt_;  // answers still out for the old relay are released
    const cluster::StreamEntry* entry = directory_.stream(stream);
    if ((!entry || entry->sessions == 0) && p.holds == 0) {
      pulls_.erase(stream);
      return;
    }
    ++stats_.pullsRetried;
    p.retryDelayUs = options_.retryUs;
    p.retryAtUs = nowUs() + options_.retryUs / 2;
    return;
  }
}

void RelayManager::onLinkEnded(const std::string& id) { links_.erase(id); }

void RelayManager::tick() {
  if (!running_) return;
  timer_.startUs(250'000, [this] { tick(); });
  const int64_t now = nowUs();
  std::vector<std::string> idle, retry;
  for (auto& [stream, p] : pulls_) {
    if (wanted(stream, p) > 0) {
      p.idleSinceUs = 0;
    } else if (p.idleSinceUs == 0) {
      p.idleSinceUs = now;
    } else if (now - p.idleSinceUs >= options_.lingerUs) {
      idle.push_back(stream);
      continue;
    }
    if (!p.active && p.retryAtUs && now >= p.retryAtUs && p.relayId.empty()) {
      p.retryAtUs = 0;
      retry.push_back(stream);
    }
  }
  for (const auto& s : idle) endPull(s, "no players left");
  for (const auto& s : retry)
    if (pulls_.count(s)) startPull(s);
}

}  // namespace rtcgate::edge
