#include "edge/worker_fanout.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/clock.h"
#include "cluster/session_id.h"

namespace rtcgate::edge {

namespace {

int64_t nowUs() { return SteadyClock().nowUs(); }

size_t playersOn(const cluster::StreamEntry& e, unsigned worker) {
  auto it = e.subscribersOn.find(worker);
  return it == e.subscribersOn.end() ? 0 : it->second;
}

}  // namespace

WorkerFanout::WorkerFanout(net::EventLoop& loop, cluster::Directory& directory, cluster::WorkerPool& workers,
                           WorkerFanoutOptions options)
    : directory_(directory), workers_(workers), options_(std::move(options)), timer_(loop) {}

WorkerFanout::~WorkerFanout() {
  *alive_ = false;
  stop();
}

void WorkerFanout::start() {
  if (running_) return;
  running_ = true;
  tick();
}

void WorkerFanout::stop() {
  running_ = false;
  timer_.cancel();
  for (auto& [stream, reps] : replicas_)
    for (auto& [worker, r] : reps)
      for (auto& w : r.waiters) w(r.source);
  replicas_.clear();
}

// --- placing players ---

void WorkerFanout::placePlayer(const std::string& stream, std::function<void(unsigned)> done) {
  const cluster::StreamEntry* e = directory_.stream(stream);
  if (!e || e->publisherId.empty() || !running_ || options_.playersPerWorker == 0 || workers_.count() < 2)
    return done(e ? e->worker : directory_.workerFor(stream));
  const unsigned own = e->worker;
  const size_t limit = options_.playersPerWorker;
  if (playersOn(*e, own) < limit) return done(own);
  auto& reps = replicas_[stream];
  // The least filled replica with room, fed from where the stream is now.
  std::optional<unsigned> best;
  for (const auto& [w, r] : reps)
    if (r.ready && r.source == own && playersOn(*e, w) < limit && (!best || playersOn(*e, w) < playersOn(*e, *best)))
      best = w;
  if (best) {
    ++stats_.playersPlaced;
    return done(*best);
  }
  // One being made: its waiters count against its share (a crowd arriving at once).
  for (auto& [w, r] : reps)
    if (!r.ready && r.source == own && playersOn(*e, w) + r.waiters.size() < limit) return r.waiters.push_back(std::move(done));
  // A new replica on the worker with the fewest players of all streams that has none of this one.
  std::vector<size_t> load(workers_.count(), 0);
  directory_.forEachStream([&](const std::string&, const cluster::StreamEntry& s) {
    for (const auto& [w, n] : s.subscribersOn)
      if (w < load.size()) load[w] += n;
  });
  std::optional<unsigned> free;
  for (unsigned w = 0; w < workers_.count(); ++w) {
    if (w == own || reps.count(w)) continue;
    if (!free || load[w] < load[*free]) free = w;
  }
  if (!free) {
    // Every worker has the stream and is full: the least filled takes one more.
    unsigned least = own;
    for (const auto& [w, r] : reps)
      if (r.ready && playersOn(*e, w) < playersOn(*e, least)) least = w;
    return done(least);
  }
  Replica& r = reps[*free];
  r.source = own;
  r.waiters.push_back(std::move(done));
  makeReplica(stream, *free);
}

WorkerFanout::Replica* WorkerFanout::find(const std::string& stream, unsigned worker, uint64_t attempt) {
  auto s = replicas_.find(stream);
  if (s == replicas_.end()) return nullptr;
  auto r = s->second.find(worker);
  return r != s->second.end() && r->second.attempt == attempt ? &r->second : nullptr;
}

// --- making a replica: link, sender, receiver ---

void WorkerFanout::makeReplica(const std::string& stream, unsigned worker) {
  Replica& r = replicas_[stream][worker];
  r.attempt = ++nextAttempt_;
  r.ready = false;
  r.retryAtUs = 0;
  r.senderId = cluster::newSessionId();
  r.receiverId = cluster::newSessionId();
  const unsigned source = r.source;
  const uint64_t attempt = r.attempt;
  spdlog::info("fanout: '{}' has {}+ players on worker {}: a replica on worker {}", stream, options_.playersPerWorker,
               source, worker);
  withLink(source, worker, [this, alive = alive_, stream, worker, source, attempt](bool linked) {
    if (!*alive || !find(stream, worker, attempt)) return;
    if (!linked) return onReplicaFailed(stream, worker, "the workers' link did not connect");
    const cluster::StreamEntry* e = directory_.stream(stream);
    if (!e || e->publisherId.empty() || e->worker != source) return onReplicaFailed(stream, worker, "the stream moved or ended");
    Replica* r = find(stream, worker, attempt);
    auto link = links_.find({source, worker});
    if (link == links_.end()) return onReplicaFailed(stream, worker, "the workers' link ended");
    workers_.addRelaySender(
        source, r->senderId, stream, link->second, "", e->published,
        [this, alive, stream, worker, source, attempt, sender = r->senderId,
         linkId = link->second](Result<std::vector<sfu::RelayTrack>> tracks) {
          if (!*alive) return;
          Replica* r = find(stream, worker, attempt);
          if (!r) {
            if (tracks.ok()) workers_.closeSession(source, sender, "no longer wanted");
            return;
          }
          if (!tracks.ok()) return onReplicaFailed(stream, worker, std::string("relay sender: ") + tracks.error().message);
          sfu::SessionSpec spec;
          spec.id = r->receiverId;
          spec.stream = stream;
          spec.createdMs = unixTimeMs();
          workers_.addRelayReceiver(
              worker, std::move(spec), linkId, *tracks,
              [this, alive, stream, worker, attempt, receiver = r->receiverId](Status st) {
                if (!*alive) return;
                Replica* r = find(stream, worker, attempt);
                if (!r) {
                  if (st.ok()) workers_.closeSession(worker, receiver, "no longer wanted");
                  return;
                }
                if (!st.ok()) return onReplicaFailed(stream, worker, std::string("relay receiver: ") + st.error().message);
                r->ready = true;
                r->idleSinceUs = 0;
                ++stats_.replicasMade;
                spdlog::info("fanout: '{}' replicated on worker {}", stream, worker);
                auto waiters = std::move(r->waiters);
                r->waiters.clear();
                for (auto& w : waiters) w(worker);
              });
        });
  });
}

void WorkerFanout::withLink(unsigned source, unsigned target, std::function<void(bool)> done) {
  const Pair key{source, target};
  if (links_.count(key)) return done(true);
  auto& waiting = linkWaiters_[key];
  waiting.push_back(std::move(done));
  if (waiting.size() > 1) return;
  // Both ends are ours: each knows the other's credentials and certificate, no signaling.
  const std::string id = cluster::newSessionId();
  const auto iceS = transport::ice::IceCredentials::generate(), iceT = transport::ice::IceCredentials::generate();
  const auto loopback = [this](unsigned w) {
    SocketAddress a = workers_.udpAddress(w);
    const std::string ip = a.ipString();
    if (ip == "0.0.0.0" || ip == "::") a = *SocketAddress::parse(ip == "::" ? "::1" : "127.0.0.1", a.port());
    return a;
  };
  sfu::RelayLinkSpec atSource{id, false, iceS, iceT, options_.fingerprint, loopback(target)};
  sfu::RelayLinkSpec atTarget{id, true, iceT, iceS, options_.fingerprint, loopback(source)};
  auto results = std::make_shared<std::vector<bool>>();
  auto finish = [this, alive = alive_, key, id, results](Status st) {
    if (!*alive) return;
    results->push_back(st.ok());
    if (results->size() < 2) return;
    const bool ok = (*results)[0] && (*results)[1];
    if (ok) {
      links_[key] = id;
    } else {
      workers_.closeRelayLink(key.first, id, "the other end was not made");
      workers_.closeRelayLink(key.second, id, "the other end was not made");
    }
    auto waiters = std::move(linkWaiters_[key]);
    linkWaiters_.erase(key);
    for (auto& w : waiters) w(ok);
  };
  workers_.addRelayLink(source, std::move(atSource), finish);
  workers_.addRelayLink(target, std::move(atTarget), finish);
}

// --- failures and letting go ---

void WorkerFanout::onReplicaFailed(const std::string& stream, unsigned worker, const std::string& why) {
  auto s = replicas_.find(stream);
  if (s == replicas_.end() || !s->second.count(worker)) return;
  Replica& r = s->second.at(worker);
  ++stats_.replicasFailed;
  spdlog::warn("fanout: no replica of '{}' on worker {}: {}", stream, worker, why);
  workers_.closeSession(r.source, r.senderId, why);
  workers_.closeSession(worker, r.receiverId, why);
  auto waiters = std::move(r.waiters);
  r.waiters.clear();
  r.ready = false;
  r.attempt = ++nextAttempt_;  // completions of this attempt are ignored
  // Players already there wait for the stream (as for a lost publisher) and it is made again.
  const cluster::StreamEntry* e = directory_.stream(stream);
  if (e && playersOn(*e, worker) > 0) r.retryAtUs = nowUs() + options_.retryUs;
  else s->second.erase(worker);
  if (s->second.empty()) replicas_.erase(s);
  for (auto& w : waiters) w(e ? e->worker : worker);  // the stream's own worker takes them
}

void WorkerFanout::letGo(const std::string& stream, unsigned worker, const std::string& reason) {
  auto s = replicas_.find(stream);
  if (s == replicas_.end()) return;
  auto it = s->second.find(worker);
  if (it == s->second.end()) return;
  spdlog::info("fanout: replica of '{}' on worker {} let go: {}", stream, worker, reason);
  ++stats_.replicasLetGo;
  workers_.closeSession(it->second.source, it->second.senderId, reason);
  workers_.closeSession(worker, it->second.receiverId, reason);
  auto waiters = std::move(it->second.waiters);
  const unsigned source = it->second.source;
  s->second.erase(it);
  for (auto& w : waiters) w(source);  // the stream's own worker takes them
  if (s->second.empty()) replicas_.erase(s);
}

void WorkerFanout::onSessionEnded(const std::string& id) {
  for (auto& [stream, reps] : replicas_)
    for (auto& [worker, r] : reps)
      if (r.ready && (r.senderId == id || r.receiverId == id)) {
        const std::string name = stream;
        const unsigned w = worker;
        return onReplicaFailed(name, w, "its relay ended");
      }
}

void WorkerFanout::onLinkEnded(const std::string& id) {
  for (auto it = links_.begin(); it != links_.end();) {
    if (it->second != id) {
      ++it;
      continue;
    }
    // Both ends go: the next replica between these workers makes a new link.
    workers_.closeRelayLink(it->first.first, id, "the other end ended");
    workers_.closeRelayLink(it->first.second, id, "the other end ended");
    it = links_.erase(it);
  }
}

std::map<std::string, std::vector<unsigned>> WorkerFanout::replicas() const {
  std::map<std::string, std::vector<unsigned>> out;
  for (const auto& [stream, reps] : replicas_)
    for (const auto& [worker, r] : reps)
      if (r.ready) out[stream].push_back(worker);
  return out;
}

void WorkerFanout::tick() {
  if (!running_) return;
  timer_.startUs(250'000, [this] { tick(); });
  const int64_t now = nowUs();
  std::vector<std::pair<std::string, unsigned>> idle, retry, gone;
  for (auto& [stream, reps] : replicas_) {
    const cluster::StreamEntry* e = directory_.stream(stream);
    for (auto& [worker, r] : reps) {
      const size_t players = (e ? playersOn(*e, worker) : 0) + r.waiters.size();
      if (r.ready) {
        if (players > 0) r.idleSinceUs = 0;
        else if (r.idleSinceUs == 0) r.idleSinceUs = now;
        else if (now - r.idleSinceUs >= options_.lingerUs) idle.emplace_back(stream, worker);
      } else if (r.retryAtUs && now >= r.retryAtUs) {
        const bool published = e && !e->publisherId.empty() && e->worker != worker;
        if (players > 0 && published) {
          r.source = e->worker;
          retry.emplace_back(stream, worker);
        } else if (players > 0 && e) {
          r.retryAtUs = now + options_.retryUs;  // its players wait for the publisher to come back
        } else {
          gone.emplace_back(stream, worker);
        }
      }
    }
  }
  for (const auto& [s, w] : idle) letGo(s, w, "no players left");
  for (const auto& [s, w] : gone) letGo(s, w, "its players or its stream are gone");
  for (const auto& [s, w] : retry) makeReplica(s, w);
  std::erase_if(replicas_, [](const auto& entry) { return entry.second.empty(); });
}

}  // namespace rtcgate::edge
