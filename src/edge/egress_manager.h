#pragma once
// EgressManager: the RTMP pushes of streams (POST/GET/DELETE /api/streams/{stream}/egress),
// on the control loop. Each push is a frame sink on its stream's worker (H.264 + AAC, made
// by renditions when the source sends VP8/Opus) feeding an RtmpEgress that reconnects by
// itself. A push ends with its stream, and stays listed (state "stopped", with the reason)
// until deleted, for ten minutes at most, and only the newest few per stream (push_retention.h).

#include <map>
#include <memory>
#include <string>

#include "edge/egress_control.h"
#include "edge/egress_policy.h"
#include "cluster/directory.h"
#include "cluster/worker_pool.h"
#include "base/executor.h"
#include "net/event_loop.h"

namespace rtcgate::edge {

class EgressManager final : public EgressControl {
 public:
  static constexpr size_t kMaxPerStream = 8;

  // Pushes reach only the addresses `policy` allows.
  EgressManager(net::EventLoop& control, Executor& controlExecutor, cluster::Directory& registry, cluster::WorkerPool& workers,
                EgressPolicy policy = {});
  ~EgressManager() override;

  void start(const std::string& stream, const std::string& url, Started done) override;
  std::vector<EgressInfo> list(const std::string& stream) const override;
  bool stop(const std::string& stream, const std::string& id) override;
  // Stops every push (shutdown).
  void stopAll();

 private:
  class Push;
  // The push's stream ended: it leaves its worker and the registry, and stays listed.
  void onPushEnded(Push& push);
  // Forgets ended pushes past their retention.
  void prune();

  net::EventLoop& control_;
  Executor& executor_;
  cluster::Directory& registry_;
  cluster::WorkerPool& workers_;
  EgressPolicy policy_;
  std::map<std::string, std::shared_ptr<Push>> pushes_;
};

}  // namespace rtcgate::edge
