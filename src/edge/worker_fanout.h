#pragma once
// WorkerFanout: a stream with more players than one worker should serve fans out to the
// node's other workers (DESIGN.md §4) through the relay mechanism nodes use between them:
// a relay link between the stream's worker and another (ICE, DTLS, SRTP over loopback UDP),
// a RelaySender on the stream's worker, and a relay receiver on the other that becomes the
// stream's source there — a replica, shared by every player placed on that worker. A new
// player goes to the stream's own worker while it has fewer than `playersPerWorker` players
// of the stream, else to the least-filled replica, else to a new replica on the least-loaded
// other worker. A replica without players is let go after `lingerUs`; one whose relay fails
// while players wait is made again.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cluster/directory.h"
#include "cluster/worker_pool.h"
#include "net/event_loop.h"

namespace rtcgate::edge {

struct WorkerFanoutOptions {
  size_t playersPerWorker = 500;  // 0: never fan out
  int64_t lingerUs = 10'000'000;
  int64_t retryUs = 1'000'000;
  std::string fingerprint;  // our DTLS certificate's, "sha-256 AB:..." (both ends are us)
};

struct WorkerFanoutStats {
  uint64_t replicasMade = 0, replicasFailed = 0, replicasLetGo = 0, playersPlaced = 0;
};

class WorkerFanout {
 public:
  WorkerFanout(net::EventLoop& loop, cluster::Directory& directory, cluster::WorkerPool& workers,
               WorkerFanoutOptions options);
  ~WorkerFanout();

  void start();
  void stop();

  // The worker a new player of `stream` (published here) goes to; `done` runs on the loop,
  // at once or once a new replica is up (the stream's own worker if it cannot be made).
  void placePlayer(const std::string& stream, std::function<void(unsigned)> done);
  // A session or link ended on a worker (a replica's relay among them).
  void onSessionEnded(const std::string& id);
  void onLinkEnded(const std::string& id);

  // Replicas up, by stream: the workers they are on.
  std::map<std::string, std::vector<unsigned>> replicas() const;
  const WorkerFanoutStats& stats() const noexcept { return stats_; }

 private:
  struct Replica {
    unsigned source = 0;  // the stream's own worker it is fed from
    std::string senderId, receiverId;
    bool ready = false;
    uint64_t attempt = 0;
    std::vector<std::function<void(unsigned)>> waiters;
    int64_t idleSinceUs = 0;
    int64_t retryAtUs = 0;
  };
  using Pair = std::pair<unsigned, unsigned>;  // (source worker, replica worker)

  void makeReplica(const std::string& stream, unsigned worker);
  void withLink(unsigned source, unsigned target, std::function<void(bool)> done);
  void onReplicaFailed(const std::string& stream, unsigned worker, const std::string& why);
  void letGo(const std::string& stream, unsigned worker, const std::string& reason);
  Replica* find(const std::string& stream, unsigned worker, uint64_t attempt);
  void tick();

  cluster::Directory& directory_;
  cluster::WorkerPool& workers_;
  WorkerFanoutOptions options_;
  net::Timer timer_;
  std::map<std::string, std::map<unsigned, Replica>> replicas_;  // by stream, then worker
  std::map<Pair, std::string> links_;                             // up, by the workers they join
  std::map<Pair, std::vector<std::function<void(bool)>>> linkWaiters_;  // being made
  uint64_t nextAttempt_ = 0;
  WorkerFanoutStats stats_;
  bool running_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rtcgate::edge
