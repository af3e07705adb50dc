#pragma once
// NodeDirectory: this node's view of the cluster, kept in Redis (DESIGN.md §4) — a record per
// node written every second with a TTL (so a dead node drops out within seconds), and the
// claim of each stream's source by the node that holds it. Runs on the control thread; every
// Redis call is asynchronous. While Redis is away the node keeps its last view, reports
// itself unavailable (what needs the directory is refused), and re-registers on its return.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/node_info.h"
#include "net/event_loop.h"
#include "net/redis_client.h"

namespace rtcgate::cluster {

// What the node reports about itself at each refresh (the gateway, on the control thread).
class NodeReporter {
 public:
  virtual ~NodeReporter() = default;
  virtual NodeLoad nodeLoad() = 0;
  virtual std::vector<NodeStream> nodeStreams() = 0;
  // A stream this node publishes is claimed by `owner` in the directory (published there
  // while Redis was away, say): the stream name now means two sources.
  virtual void onStreamClaimedElsewhere(const std::string& stream, const std::string& owner) {
    (void)stream;
    (void)owner;
  }
};

struct NodeDirectoryOptions {
  std::string keyPrefix = "rtcgate:";
  int64_t refreshUs = 1'000'000;
  int64_t ttlMs = 3000;  // a node not refreshed for this long is gone
};

// The answer about a stream's source.
struct StreamOwner {
  bool answered = false;  // false: Redis did not answer (error says why)
  std::string node;       // the owner's id; empty when no node holds the stream
  std::string error;
};

struct NodeDirectoryStats {
  uint64_t refreshes = 0;
  uint64_t refreshFailures = 0;
  uint64_t invalidRecords = 0;  // node records that did not parse (ignored)
  uint64_t claimConflicts = 0;
};

class NodeDirectory {
 public:
  NodeDirectory(net::EventLoop& loop, net::RedisEndpoint redis, NodeInfo self, NodeReporter& reporter,
                NodeDirectoryOptions options = {});
  ~NodeDirectory();

  void start();
  void stop();

  // Redis is connected and this node's record was written since.
  bool available() const noexcept { return available_; }
  const NodeInfo& self() const noexcept { return self_; }
  void setDraining(bool draining) noexcept { self_.draining = draining; }
  bool draining() const noexcept { return self_.draining; }
  // The live nodes (this one included once registered), by id, as of the last refresh.
  const std::vector<NodeInfo>& nodes() const noexcept { return nodes_; }
  const NodeInfo* node(std::string_view id) const noexcept;
  const NodeDirectoryStats& stats() const noexcept { return stats_; }
  // The secret nodes prove themselves to each other with (relay requests): made by the first
  // node and kept in Redis, so a new node needs no more than the Redis URL. Empty until read.
  const std::string& secret() const noexcept { return secret_; }

  // Claims `stream` for this node unless another node holds it; `done` gets the owner after.
  void claimStream(const std::string& stream, std::function<void(StreamOwner)> done);
  // Which node holds `stream` (a fresh read).
  void locateStream(const std::string& stream, std::function<void(StreamOwner)> done);
  // Gives up this node's claim (the stream ended here).
  void releaseStream(const std::string& stream);
  // Writes this node's record now (after a change such as draining) rather than at the next tick.
  void refreshNow();

  // The connection, for the other records nodes keep in Redis (rooms), under keyPrefix().
  net::RedisClient& redis() noexcept { return redis_; }
  const std::string& keyPrefix() const noexcept { return options_.keyPrefix; }

 private:
  void tick();
  void refresh();
  void readNodes();
  void onNodeRecords(const std::vector<std::string>& ids, const net::RedisReply& reply);
  std::string nodeKey(std::string_view id) const { return options_.keyPrefix + "node:" + std::string(id); }
  std::string streamKey(std::string_view name) const { return options_.keyPrefix + "stream:" + std::string(name); }

  net::RedisClient redis_;
  NodeInfo self_;
  NodeReporter& reporter_;
  NodeDirectoryOptions options_;
  net::Timer timer_;
  std::vector<NodeInfo> nodes_;
  NodeDirectoryStats stats_;
  std::string secret_;
  bool available_ = false;
  bool running_ = false;
};

}  // namespace rtcgate::cluster
