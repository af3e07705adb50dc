#pragma once
// RelayManager: this node's relays (docs/CLUSTER.md), on the control thread.
//
// As the node holding a stream it serves other nodes' requests: a RelaySender on the
// stream's worker, over the link between that worker and the asking one (made on the first
// request, reused after), so one copy of a stream crosses between two workers whatever the
// number of players behind them. As a node whose players want a stream held elsewhere it
// pulls the stream once — a relay receiver becomes the local stream's source — and shares it
// among its players; when the relay fails while players remain it pulls again (they wait, as
// for a lost publisher), and when the last player has left for a while it lets it go.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/directory.h"
#include "cluster/node_directory.h"
#include "cluster/relay_messages.h"
#include "cluster/worker_pool.h"
#include "net/event_loop.h"

namespace rtcgate::edge {

struct RelayManagerOptions {
  std::string relayHost;    // the IP other nodes' links reach this node's workers at
  std::string fingerprint;  // our DTLS certificate's, "sha-256 AB:..."
  int64_t lingerUs = 5'000'000;       // a pulled stream without players is let go after this
  int64_t retryUs = 1'000'000;        // first retry of a failed pull while players wait (doubles)
  int64_t maxRetryUs = 5'000'000;
  int64_t requestTimeoutUs = 3'000'000;
  size_t maxServed = 1000;  // relays this node sends at once
  size_t maxPulled = 1000;  // relays this node receives at once
};

// Why a pull or a served request failed, as an HTTP status and a reason.
struct RelayError {
  unsigned status = 503;
  std::string reason;
};

struct RelayStats {
  uint64_t pullsStarted = 0, pullsFailed = 0, pullsRetried = 0, served = 0, servedRefused = 0;
};

class RelayManager {
 public:
  RelayManager(net::EventLoop& loop, cluster::Directory& directory, cluster::WorkerPool& workers,
               cluster::NodeDirectory& cluster, RelayManagerOptions options);
  ~RelayManager();

  void start();
  void stop();

  // `stream`, held on another node, is wanted here: `done` gets nullopt once it is a local
  // stream (relayed), or why not.
  void pull(const std::string& stream, std::function<void(std::optional<RelayError>)> done);
  // `stream`, held on another node, is wanted here on `worker` whether or not players ask
  // for it (a room's remote participant's tracks): pulled, and pulled again after a failure,
  // until as many unhold() calls; `listener` hears each time it becomes a local stream.
  // False when it cannot be held (this node relays its most streams): ask again later.
  bool hold(const std::string& stream, unsigned worker);
  void unhold(const std::string& stream);
  void setPulledListener(std::function<void(const std::string& stream)> listener) { pulledListener_ = std::move(listener); }
  // Another node's request (its secret already checked): `done` gets 201 and the answer's
  // JSON, or the error.
  void serve(const cluster::RelayRequest& request, std::function<void(unsigned, std::string)> done);
  // The asking node lets a relay go (DELETE); false when it is not one of ours.
  bool release(const std::string& relayId, const std::string& node);

  // A session ended on a worker (a relay receiver or sender among them); a link ended.
  void onSessionEnded(const std::string& id);
  void onLinkEnded(const std::string& id);

  // The node a stream relayed here comes from (empty when it is not relayed here).
  std::string sourceNode(const std::string& stream) const {
    auto it = pulls_.find(stream);
    return it != pulls_.end() && it->second.active ? it->second.fromNode : std::string();
  }
  size_t pulledCount() const noexcept { return pulls_.size(); }
  size_t servedCount() const noexcept { return served_.size(); }
  size_t linkCount() const noexcept { return links_.size(); }
  const RelayStats& stats() const noexcept { return stats_; }

 private:
  struct Link {
    unsigned worker = 0;
    std::string node;     // the other end
    std::string address;  // the other end's worker, ip:port
  };
  struct Pull {
    bool active = false;
    std::string relayId;
    std::string fromNode;
    unsigned worker = 0;
    std::vector<std::function<void(std::optional<RelayError>)>> waiters;
    int64_t idleSinceUs = 0;
    int64_t retryAtUs = 0;
    int64_t retryDelayUs = 0;
    uint64_t attempt = 0;  // answers of an earlier attempt are released, never applied
    unsigned holds = 0;    // hold() calls not yet undone: wanted with or without players
    std::optional<unsigned> workerHint;  // where the holder wants it
  };
  struct Served {
    std::string stream;
    std::string node;
    unsigned worker = 0;
  };

  void startPull(const std::string& stream);
  void requestRelay(const std::string& stream, const cluster::NodeInfo& node);
  void onRelayAnswer(const std::string& stream, const cluster::NodeInfo& node, transport::ice::IceCredentials ice,
                     unsigned status, const std::string& body);
  void receive(const std::string& stream, const cluster::RelayAnswer& answer, const std::string& fromNode);
  // True while `attempt` is the current attempt of the pull of `stream`.
  bool current(const std::string& stream, uint64_t attempt) const;
  void finishPull(const std::string& stream, std::optional<RelayError> error);
  void endPull(const std::string& stream, const std::string& reason);
  void releaseRemote(const std::string& node, const std::string& relayId);
  void addSender(const cluster::RelayRequest& request, const std::string& linkId,
                 std::optional<cluster::LinkEndpoint> newLink, unsigned worker,
                 std::function<void(unsigned, std::string)> done);
  std::string workerAddress(unsigned worker) const;
  void tick();
  // Players of a pulled stream here, holds included.
  size_t wanted(const std::string& stream, const Pull& p) const;

  net::EventLoop& loop_;
  cluster::Directory& directory_;
  cluster::WorkerPool& workers_;
  cluster::NodeDirectory& cluster_;
  RelayManagerOptions options_;
  net::Timer timer_;
  std::map<std::string, Link> links_;
  std::map<std::string, Pull> pulls_;      // by stream
  std::map<std::string, Served> served_;   // by relay id
  // One link per pair of workers: while a request that may open a link to (node, worker) is
  // out, further requests to that pair wait for it and then name the link it made.
  using LinkKey = std::pair<std::string, unsigned>;
  std::set<LinkKey> linkPending_;
  std::map<LinkKey, std::vector<std::string>> waitingForLink_;
  uint64_t nextAttempt_ = 0;
  RelayStats stats_;
  std::function<void(const std::string&)> pulledListener_;
  bool running_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // answers after destruction are dropped
};

}  // namespace rtcgate::edge
