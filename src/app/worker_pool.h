#pragma once
// WorkerPool: all media workers, seen by the control thread's API as api::MediaWorkers.

#include <memory>
#include <vector>

#include "api/media_workers.h"
#include "app/worker.h"

namespace rtcgate::app {

class WorkerPool final : public api::MediaWorkers {
 public:
  void add(std::unique_ptr<Worker> w) { workers_.push_back(std::move(w)); }
  void stopAll();

  unsigned count() const override { return static_cast<unsigned>(workers_.size()); }
  SocketAddress udpAddress(unsigned worker) const override { return workers_.at(worker)->udpAddress(); }
  Status addPublisher(unsigned worker, sfu::SessionSpec spec, bool replace) override;
  Status addSubscriber(unsigned worker, sfu::SessionSpec spec) override;
  bool closeSession(unsigned worker, const std::string& id, const std::string& reason) override;
  bool setQuality(unsigned worker, const std::string& id, const std::string& quality) override;
  bool restartIce(unsigned worker, const std::string& id, const transport::ice::IceCredentials& local,
                  const transport::ice::IceCredentials& remote) override;
  std::vector<sfu::SessionInfo> sessions() override;
  std::vector<sfu::StreamInfo> streams() override;
  std::vector<api::WorkerMetrics> metrics() override;

  // Frame sources and sinks (RTMP), called on the control thread. The add calls wait for
  // the worker's answer; the others are posted and return at once.
  Status addFramePublisher(unsigned worker, std::string id, std::string stream, sfu::SessionKind kind, bool replace);
  void pushFrame(unsigned worker, const std::string& id, std::shared_ptr<const media::MediaFrame> frame,
                 bool videoReorders);
  void removeFramePublisher(unsigned worker, std::string id, bool onPurpose, std::string reason);
  Status addFrameSink(unsigned worker, std::string id, std::string stream, sfu::SessionKind kind,
                      std::unique_ptr<sfu::FrameSink> sink);
  void removeFrameSink(unsigned worker, std::string id);
  void requestSinkKeyframe(unsigned worker, std::string id);

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace rtcgate::app
