#pragma once
// WorkerPool: all media workers, seen by the control thread's API as MediaWorkers.
// Every request is posted to a worker and answered by a posted completion (WorkerCalls):
// the control thread never waits for a worker.

#include <memory>
#include <optional>
#include <vector>

#include "cluster/media_workers.h"
#include "cluster/worker.h"
#include "cluster/worker_calls.h"

namespace rtcgate::cluster {

class WorkerPool final : public MediaWorkers {
 public:
  // How long a worker has to answer a request that changes it (then it is rolled back),
  // and one that only reads it (then its last known snapshot stands in, if any).
  static constexpr int64_t kChangeTimeoutUs = 2'000'000;
  static constexpr int64_t kSnapshotWaitUs = 1'000'000;
  // A worker whose loop has not ticked for this long is stalled: listings do not wait for
  // it when they have a snapshot of it.
  static constexpr int64_t kStalledAfterUs = 50'000;

  explicit WorkerPool(net::EventLoop& control) : calls_(control) {}
  void add(std::unique_ptr<Worker> w);
  void stopAll();
  Worker& worker(unsigned index) { return *workers_.at(index); }
  // Overrides the deadline of changing requests (tests).
  void setChangeTimeoutUs(int64_t us) noexcept { changeTimeoutUs_ = us; }

  unsigned count() const override { return static_cast<unsigned>(workers_.size()); }
  SocketAddress udpAddress(unsigned worker) const override { return workers_.at(worker)->udpAddress(); }
  SocketAddress tcpAddress(unsigned worker) const override { return workers_.at(worker)->tcpAddress(); }
  void addPublisher(unsigned worker, sfu::SessionSpec spec, bool replace, Completion<Status> done) override;
  void addSubscriber(unsigned worker, sfu::SessionSpec spec, Completion<Status> done) override;
  void addRoomSubscriber(unsigned worker, sfu::SessionSpec spec, std::vector<sfu::ConsumerBinding> bindings,
                         Completion<Status> done) override;
  void updateConsumers(unsigned worker, const std::string& id, wire::sdp::NegotiatedSession negotiated,
                       std::vector<sfu::ConsumerBinding> bindings, Completion<Status> done) override;
  void setConsumerOptions(unsigned worker, const std::string& id, const std::string& mid,
                          sfu::ConsumerOptions options) override;
  void audioLevels(unsigned worker, std::string prefix,
                   Completion<std::vector<std::pair<std::string, float>>> done) override;
  void closeSession(unsigned worker, const std::string& id, const std::string& reason) override;
  void setQuality(unsigned worker, const std::string& id, sfu::Quality quality, Completion<bool> done) override;
  void restartIce(unsigned worker, const std::string& id, const transport::ice::IceCredentials& local,
                  const transport::ice::IceCredentials& remote, Completion<bool> done) override;
  void sessions(Completion<std::vector<sfu::SessionInfo>> done) override;
  void streams(Completion<std::vector<sfu::StreamInfo>> done) override;
  void metrics(Completion<std::vector<WorkerMetrics>> done) override;

  // Frame sources and sinks (RTMP), called on the control thread. The add calls answer
  // through `done` (and are rolled back after a timeout); the others are posted.
  void addFramePublisher(unsigned worker, std::string id, std::string stream, sfu::SessionKind kind, bool replace,
                         Completion<Status> done);
  // Timed metadata of frame publisher `id` at its stream time `ptsUs` (RTMP onTextData).
  void pushTimedData(unsigned worker, const std::string& id, int64_t ptsUs,
                     std::shared_ptr<const std::vector<uint8_t>> bytes);
  void pushFrame(unsigned worker, const std::string& id, std::shared_ptr<const media::MediaFrame> frame,
                 bool videoReorders);
  void removeFramePublisher(unsigned worker, std::string id, bool onPurpose, std::string reason);
  void addFrameSink(unsigned worker, std::string id, std::string stream, sfu::SessionKind kind,
                    std::unique_ptr<sfu::FrameSink> sink, Completion<Status> done);
  void removeFrameSink(unsigned worker, std::string id);
  // Relays between nodes (docs/CLUSTER.md), timed out and undone like session setups.
  void addRelayLink(unsigned worker, sfu::RelayLinkSpec spec, Completion<Status> done);
  void closeRelayLink(unsigned worker, std::string id, std::string reason);
  void addRelaySender(unsigned worker, std::string id, std::string stream, std::string linkId, std::string toNode,
                      std::vector<wire::sdp::NegotiatedMedia> published,
                      Completion<Result<std::vector<sfu::RelayTrack>>> done);
  void addRelayReceiver(unsigned worker, sfu::SessionSpec spec, std::string linkId, std::vector<sfu::RelayTrack> tracks,
                        Completion<Status> done);
  void requestSinkKeyframe(unsigned worker, std::string id);

  // Requests waiting for a worker's answer (for tests).
  size_t pendingCalls() const noexcept { return calls_.pending(); }

 private:
  WorkerCalls::Post poster(unsigned worker);
  // A changing request to `worker`: `fn` runs there; `undo` runs after it if it timed out.
  template <typename T>
  void change(unsigned worker, std::function<T(sfu::Router&)> fn, std::function<void(sfu::Router&)> undo,
              T onTimeout, Completion<T> done);
  // A snapshot of every worker, the last known one for a worker that does not answer.
  template <typename T>
  void snapshot(std::function<T(Worker&, sfu::Router&)> fn, std::vector<std::optional<T>>& cache,
                Completion<std::vector<T>> done);

  std::vector<std::unique_ptr<Worker>> workers_;
  SteadyClock clock_;
  WorkerCalls calls_;
  int64_t changeTimeoutUs_ = kChangeTimeoutUs;
  std::vector<std::optional<std::vector<sfu::SessionInfo>>> lastSessions_;
  std::vector<std::optional<std::vector<sfu::StreamInfo>>> lastStreams_;
  std::vector<std::optional<WorkerMetrics>> lastMetrics_;
};

}  // namespace rtcgate::cluster
