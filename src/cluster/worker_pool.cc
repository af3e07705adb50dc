#include "cluster/worker_pool.h"

#include "base/clock.h"

namespace rtcgate::cluster {

namespace {
const Error kWorkerTimeout{Error::Code::kTimeout, "media worker did not answer in time"};
}

void WorkerPool::add(std::unique_ptr<Worker> w) {
  workers_.push_back(std::move(w));
  lastSessions_.resize(workers_.size());
  lastStreams_.resize(workers_.size());
  lastMetrics_.resize(workers_.size());
}

void WorkerPool::stopAll() {
  for (auto& w : workers_) w->stop();
}

WorkerCalls::Post WorkerPool::poster(unsigned worker) {
  Worker* w = workers_.at(worker).get();
  return [w](std::function<void()> fn) { w->post(std::move(fn)); };
}

template <typename T>
void WorkerPool::change(unsigned worker, std::function<T(sfu::Router&)> fn, std::function<void(sfu::Router&)> undo,
                        T onTimeout, cluster::Completion<T> done) {
  Worker* w = workers_.at(worker).get();
  std::function<void()> undoHere;
  if (undo) undoHere = [w, undo] { w->withRouter(undo); };
  calls_.call<T>(
      poster(worker), [w, fn = std::move(fn)]() -> T { return w->withRouter(fn); }, std::move(undoHere),
      std::move(onTimeout), changeTimeoutUs_, std::move(done));
}

template <typename T>
void WorkerPool::snapshot(std::function<T(Worker&, sfu::Router&)> fn, std::vector<std::optional<T>>& cache,
                          Completion<std::vector<T>> done) {
  // Asked: every worker but a stalled one whose last snapshot stands in.
  std::vector<Worker*> asked;
  std::vector<size_t> index;
  const int64_t now = clock_.nowUs();
  for (size_t i = 0; i < workers_.size(); ++i) {
    const bool stalled = now - workers_[i]->lastTickUs() > kStalledAfterUs;
    if (stalled && cache[i]) continue;
    asked.push_back(workers_[i].get());
    index.push_back(i);
  }
  calls_.gather<T>(
      asked.size(), [asked](size_t i, std::function<void()> f) { asked[i]->post(std::move(f)); },
      [asked, fn = std::move(fn)](size_t i) -> T {
        return asked[i]->withRouter([&](sfu::Router& r) { return fn(*asked[i], r); });
      },
      kSnapshotWaitUs, [&cache, index, done = std::move(done)](std::vector<std::optional<T>> answers) {
        for (size_t i = 0; i < answers.size(); ++i)
          if (answers[i]) cache[index[i]] = std::move(answers[i]);
        std::vector<T> out;
        for (const auto& c : cache)
          if (c) out.push_back(*c);
        done(std::move(out));
      });
}

void WorkerPool::addPublisher(unsigned worker, sfu::SessionSpec spec, bool replace, cluster::Completion<Status> done) {
  const std::string id = spec.id;
  auto shared = std::make_shared<sfu::SessionSpec>(std::move(spec));
  change<Status>(
      worker, [shared, replace](sfu::Router& r) { return r.addPublisher(std::move(*shared), replace); },
      [id](sfu::Router& r) { r.closeSession(id, "setup timed out"); }, Status(kWorkerTimeout), std::move(done));
}

void WorkerPool::addRelayLink(unsigned worker, sfu::RelayLinkSpec spec, cluster::Completion<Status> done) {
  const std::string id = spec.id;
  auto shared = std::make_shared<sfu::RelayLinkSpec>(std::move(spec));
  change<Status>(
      worker, [shared](sfu::Router& r) { return r.addRelayLink(std::move(*shared)); },
      [id](sfu::Router& r) { r.closeRelayLink(id, "setup timed out"); }, Status(kWorkerTimeout), std::move(done));
}

void WorkerPool::closeRelayLink(unsigned worker, std::string id, std::string reason) {
  workers_.at(worker)->postToRouter([id, reason](sfu::Router& r) { r.closeRelayLink(id, reason); });
}

void WorkerPool::addRelaySender(unsigned worker, std::string id, std::string stream, std::string linkId,
                                std::string toNode, std::vector<wire::sdp::NegotiatedMedia> published,
                                cluster::Completion<Result<std::vector<sfu::RelayTrack>>> done) {
  using Tracks = Result<std::vector<sfu::RelayTrack>>;
  auto shared = std::make_shared<std::vector<wire::sdp::NegotiatedMedia>>(std::move(published));
  change<Tracks>(
      worker,
      [id, stream, linkId, toNode, shared](sfu::Router& r) { return r.addRelaySender(id, stream, linkId, toNode, *shared); },
      [id](sfu::Router& r) { r.closeSession(id, "setup timed out"); }, Tracks(kWorkerTimeout), std::move(done));
}

void WorkerPool::addRelayReceiver(unsigned worker, sfu::SessionSpec spec, std::string linkId,
                                  std::vector<sfu::RelayTrack> tracks, cluster::Completion<Status> done) {
  const std::string id = spec.id;
  auto shared = std::make_shared<std::pair<sfu::SessionSpec, std::vector<sfu::RelayTrack>>>(std::move(spec),
                                                                                            std::move(tracks));
  change<Status>(
      worker,
      [shared, linkId](sfu::Router& r) { return r.addRelayReceiver(std::move(shared->first), linkId, shared->second); },
      [id](sfu::Router& r) { r.closeSession(id, "setup timed out"); }, Status(kWorkerTimeout), std::move(done));
}

void WorkerPool::addSubscriber(unsigned worker, sfu::SessionSpec spec, cluster::Completion<Status> done) {
  const std::string id = spec.id;
  auto shared = std::make_shared<sfu::SessionSpec>(std::move(spec));
  change<Status>(
      worker, [shared](sfu::Router& r) { return r.addSubscriber(std::move(*shared)); },
      [id](sfu::Router& r) { r.closeSession(id, "setup timed out"); }, Status(kWorkerTimeout), std::move(done));
}

void WorkerPool::addRoomSubscriber(unsigned worker, sfu::SessionSpec spec, std::vector<sfu::ConsumerBinding> bindings,
                                   cluster::Completion<Status> done) {
  const std::string id = spec.id;
  auto shared = std::make_shared<std::pair<sfu::SessionSpec, std::vector<sfu::ConsumerBinding>>>(std::move(spec),
                                                                                                  std::move(bindings));
  change<Status>(
      worker, [shared](sfu::Router& r) { return r.addRoomSubscriber(std::move(shared->first), shared->second); },
      [id](sfu::Router& r) { r.closeSession(id, "setup timed out"); }, Status(kWorkerTimeout), std::move(done));
}

void WorkerPool::updateConsumers(unsigned worker, const std::string& id, wire::sdp::NegotiatedSession negotiated,
                                 std::vector<sfu::ConsumerBinding> bindings, cluster::Completion<Status> done) {
  auto shared = std::make_shared<std::pair<wire::sdp::NegotiatedSession, std::vector<sfu::ConsumerBinding>>>(
      std::move(negotiated), std::move(bindings));
  // No undo: a renegotiation that ran late is what the client already has; the caller
  // closes the connection on a timeout anyway.
  change<Status>(
      worker, [id, shared](sfu::Router& r) { return r.updateConsumers(id, shared->first, shared->second); }, nullptr,
      Status(kWorkerTimeout), std::move(done));
}

void WorkerPool::setConsumerOptions(unsigned worker, const std::string& id, const std::string& mid,
                                    sfu::ConsumerOptions options) {
  workers_.at(worker)->postToRouter([id, mid, options](sfu::Router& r) { r.setConsumerOptions(id, mid, options); });
}

void WorkerPool::audioLevels(unsigned worker, std::string prefix,
                             cluster::Completion<std::vector<std::pair<std::string, float>>> done) {
  using Levels = std::vector<std::pair<std::string, float>>;
  change<Levels>(
      worker, [prefix](sfu::Router& r) { return r.audioLevels(prefix); }, nullptr, Levels{}, std::move(done));
}

void WorkerPool::closeSession(unsigned worker, const std::string& id, const std::string& reason) {
  workers_.at(worker)->postToRouter([id, reason](sfu::Router& router) { router.closeSession(id, reason); });
}

void WorkerPool::setQuality(unsigned worker, const std::string& id, sfu::Quality quality,
                            cluster::Completion<bool> done) {
  change<bool>(
      worker, [id, quality](sfu::Router& r) { return r.setQuality(id, quality); }, nullptr, false, std::move(done));
}

void WorkerPool::restartIce(unsigned worker, const std::string& id, const transport::ice::IceCredentials& local,
                            const transport::ice::IceCredentials& remote, cluster::Completion<bool> done) {
  change<bool>(
      worker,
      [id, local, remote](sfu::Router& router) {
        sfu::Peer* p = router.find(id);
        return p && p->restartIce(local, remote);
      },
      nullptr, false, std::move(done));
}

void WorkerPool::sessions(cluster::Completion<std::vector<sfu::SessionInfo>> done) {
  snapshot<std::vector<sfu::SessionInfo>>([](Worker&, sfu::Router& r) { return r.sessions(); }, lastSessions_,
                                          [done = std::move(done)](std::vector<std::vector<sfu::SessionInfo>> parts) {
                                            std::vector<sfu::SessionInfo> out;
                                            for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
                                            done(std::move(out));
                                          });
}

void WorkerPool::streams(cluster::Completion<std::vector<sfu::StreamInfo>> done) {
  snapshot<std::vector<sfu::StreamInfo>>([](Worker&, sfu::Router& r) { return r.streams(); }, lastStreams_,
                                         [done = std::move(done)](std::vector<std::vector<sfu::StreamInfo>> parts) {
                                           std::vector<sfu::StreamInfo> out;
                                           for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
                                           done(std::move(out));
                                         });
}

void WorkerPool::metrics(cluster::Completion<std::vector<cluster::WorkerMetrics>> done) {
  snapshot<cluster::WorkerMetrics>(
      [](Worker& worker, sfu::Router& router) {
        cluster::WorkerMetrics m;
        m.worker = worker.index();
        m.sessions = router.sessionCount();
        m.sfu = router.counters();
        m.drops = router.transportDrops();
        m.drops.merge(worker.demuxDrops());
        m.drops.merge(router.counters().drops);
        m.udp = worker.socketStats();
        m.iceTcp = worker.iceTcpStats();
        m.poolBuffers = worker.packetPool().total();
        m.poolFree = worker.packetPool().available();
        m.renditions = router.renditionCounters();
        m.renditionsRunning = router.renditionsRunning();
        m.frameSinks = router.frameSinkCount();
        return m;
      },
      lastMetrics_, std::move(done));
}

void WorkerPool::addFramePublisher(unsigned worker, std::string id, std::string stream, sfu::SessionKind kind,
                                   bool replace, cluster::Completion<Status> done) {
  change<Status>(
      worker,
      [id, stream = std::move(stream), kind, replace, now = unixTimeMs()](sfu::Router& router) {
        return router.addFramePublisher(id, stream, kind, replace, now);
      },
      [id](sfu::Router& router) { router.removeFramePublisher(id, false, "setup timed out"); }, Status(kWorkerTimeout),
      std::move(done));
}

void WorkerPool::pushFrame(unsigned worker, const std::string& id, std::shared_ptr<const media::MediaFrame> frame,
                           bool videoReorders) {
  workers_.at(worker)->postToRouter([id, frame = std::move(frame), videoReorders](sfu::Router& router) {
    router.pushFrame(id, frame, videoReorders);
  });
}

void WorkerPool::pushTimedData(unsigned worker, const std::string& id, int64_t ptsUs,
                               std::shared_ptr<const std::vector<uint8_t>> bytes) {
  workers_.at(worker)->postToRouter([id, ptsUs, bytes = std::move(bytes)](sfu::Router& router) {
    router.pushTimedData(id, ptsUs, bytes);
  });
}

void WorkerPool::removeFramePublisher(unsigned worker, std::string id, bool onPurpose, std::string reason) {
  workers_.at(worker)->postToRouter([id = std::move(id), onPurpose, reason = std::move(reason)](sfu::Router& router) {
    router.removeFramePublisher(id, onPurpose, reason);
  });
}

void WorkerPool::addFrameSink(unsigned worker, std::string id, std::string stream, sfu::SessionKind kind,
                              std::unique_ptr<sfu::FrameSink> sink, cluster::Completion<Status> done) {
  // shared_ptr: the posted call must be copyable; the router takes the sink out of it.
  auto holder = std::make_shared<std::unique_ptr<sfu::FrameSink>>(std::move(sink));
  change<Status>(
      worker,
      [id, stream = std::move(stream), kind, holder, now = unixTimeMs()](sfu::Router& router) {
        return router.addFrameSink(id, stream, kind, std::move(*holder), now);
      },
      [id](sfu::Router& router) { router.removeFrameSink(id); }, Status(kWorkerTimeout), std::move(done));
}

void WorkerPool::removeFrameSink(unsigned worker, std::string id) {
  workers_.at(worker)->postToRouter([id = std::move(id)](sfu::Router& router) { router.removeFrameSink(id); });
}

void WorkerPool::requestSinkKeyframe(unsigned worker, std::string id) {
  workers_.at(worker)->postToRouter([id = std::move(id)](sfu::Router& router) { router.requestSinkKeyframe(id); });
}

}  // namespace rtcgate::cluster
