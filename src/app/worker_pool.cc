#include "app/worker_pool.h"

#include "base/clock.h"

namespace rtcgate::app {

namespace {
const Error kWorkerTimeout{Error::Code::kInternal, "media worker did not answer in time"};
}

void WorkerPool::stopAll() {
  for (auto& w : workers_) w->stop();
}

Status WorkerPool::addPublisher(unsigned worker, sfu::SessionSpec spec, bool replace) {
  auto r = workers_.at(worker)->call(
      [spec = std::move(spec), replace](sfu::Router& router) mutable { return router.addPublisher(std::move(spec), replace); });
  return r ? *r : Status(kWorkerTimeout);
}

Status WorkerPool::addSubscriber(unsigned worker, sfu::SessionSpec spec) {
  auto r = workers_.at(worker)->call(
      [spec = std::move(spec)](sfu::Router& router) mutable { return router.addSubscriber(std::move(spec)); });
  return r ? *r : Status(kWorkerTimeout);
}

bool WorkerPool::closeSession(unsigned worker, const std::string& id, const std::string& reason) {
  // Captures by value: after a timeout the call may still run once the caller is gone.
  return workers_.at(worker)
      ->call([id, reason](sfu::Router& router) { return router.closeSession(id, reason); })
      .value_or(false);
}

bool WorkerPool::setQuality(unsigned worker, const std::string& id, const std::string& quality) {
  return workers_.at(worker)
      ->call([id, quality](sfu::Router& router) { return router.setQuality(id, quality); })
      .value_or(false);
}

bool WorkerPool::restartIce(unsigned worker, const std::string& id, const transport::ice::IceCredentials& local,
                            const transport::ice::IceCredentials& remote) {
  Worker* w = workers_.at(worker).get();
  return w->call([w, id, local, remote](sfu::Router& router) {
           sfu::Session* s = router.find(id);
           if (!s) return false;
           w->demux().addUfrag(local.ufrag, s->transport());
           s->transport().restartIce(local, remote);
           return true;
         })
      .value_or(false);
}

std::vector<sfu::SessionInfo> WorkerPool::sessions() {
  std::vector<sfu::SessionInfo> out;
  for (auto& w : workers_) {
    auto part = w->call([](sfu::Router& router) { return router.sessions(); });
    if (part) out.insert(out.end(), part->begin(), part->end());
  }
  return out;
}

std::vector<sfu::StreamInfo> WorkerPool::streams() {
  std::vector<sfu::StreamInfo> out;
  for (auto& w : workers_) {
    auto part = w->call([](sfu::Router& router) { return router.streams(); });
    if (part) out.insert(out.end(), part->begin(), part->end());
  }
  return out;
}

std::vector<api::WorkerMetrics> WorkerPool::metrics() {
  std::vector<api::WorkerMetrics> out;
  for (auto& w : workers_) {
    Worker* worker = w.get();
    auto m = worker->call([worker](sfu::Router& router) {
      api::WorkerMetrics m;
      m.worker = worker->index();
      m.sessions = router.sessionCount();
      m.sfu = router.counters();
      m.drops = router.transportDrops();
      m.drops.merge(worker->demuxDrops());
      m.udp = worker->socketStats();
      m.poolBuffers = worker->packetPool().total();
      m.poolFree = worker->packetPool().available();
      m.renditions = router.renditionCounters();
      m.renditionsRunning = router.renditionsRunning();
      m.frameSinks = router.frameSinkCount();
      return m;
    });
    if (m) out.push_back(*m);
  }
  return out;
}


Status WorkerPool::addFramePublisher(unsigned worker, std::string id, std::string stream, sfu::SessionKind kind,
                                     bool replace) {
  auto r = workers_.at(worker)->call([id = std::move(id), stream = std::move(stream), kind, replace,
                                      now = unixTimeMs()](sfu::Router& router) mutable {
    return router.addFramePublisher(std::move(id), std::move(stream), kind, replace, now);
  });
  return r ? *r : Status(kWorkerTimeout);
}

void WorkerPool::pushFrame(unsigned worker, const std::string& id, std::shared_ptr<const media::MediaFrame> frame,
                           bool videoReorders) {
  workers_.at(worker)->postToRouter([id, frame = std::move(frame), videoReorders](sfu::Router& router) {
    router.pushFrame(id, frame, videoReorders);
  });
}

void WorkerPool::removeFramePublisher(unsigned worker, std::string id, bool onPurpose, std::string reason) {
  workers_.at(worker)->postToRouter([id = std::move(id), onPurpose, reason = std::move(reason)](sfu::Router& router) {
    router.removeFramePublisher(id, onPurpose, reason);
  });
}

Status WorkerPool::addFrameSink(unsigned worker, std::string id, std::string stream, sfu::SessionKind kind,
                                std::unique_ptr<sfu::FrameSink> sink) {
  // shared_ptr: the posted call must be copyable; the router takes the sink out of it.
  auto holder = std::make_shared<std::unique_ptr<sfu::FrameSink>>(std::move(sink));
  auto r = workers_.at(worker)->call(
      [id = std::move(id), stream = std::move(stream), kind, holder, now = unixTimeMs()](sfu::Router& router) mutable {
        return router.addFrameSink(std::move(id), std::move(stream), kind, std::move(*holder), now);
      });
  return r ? *r : Status(kWorkerTimeout);
}

void WorkerPool::removeFrameSink(unsigned worker, std::string id) {
  workers_.at(worker)->postToRouter([id = std::move(id)](sfu::Router& router) { router.removeFrameSink(id); });
}

void WorkerPool::requestSinkKeyframe(unsigned worker, std::string id) {
  workers_.at(worker)->postToRouter([id = std::move(id)](sfu::Router& router) { router.requestSinkKeyframe(id); });
}

}  // namespace rtcgate::app
