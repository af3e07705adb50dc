#include "cluster/node_directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "base/hex.h"
#include "base/random.h"

namespace rtcgate::cluster {

namespace {

// Claims KEYS[1] for ARGV[1] (TTL ARGV[2] ms) when free or already ours; returns the owner.
constexpr const char* kClaimScript =
    "local v = redis.call('GET', KEYS[1]) "
    "if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1] end "
    "return v";
// Deletes KEYS[1] only while ARGV[1] owns it.
constexpr const char* kReleaseScript =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

int64_t unixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StreamOwner ownerOf(const net::RedisReply& r) {
  StreamOwner o;
  if (!r.ok()) {
    o.error = r.str;
    return o;
  }
  o.answered = true;
  if (r.type == net::RedisReply::Type::kString) o.node = r.str;
  return o;
}

}  // namespace

NodeDirectory::NodeDirectory(net::EventLoop& loop, net::RedisEndpoint redis, NodeInfo self, NodeReporter& reporter,
                             NodeDirectoryOptions options)
    : redis_(loop, std::move(redis)), self_(std::move(self)), reporter_(reporter), options_(std::move(options)),
      timer_(loop) {
  redis_.setStateListener([this](bool up) {
    if (!up) {
      available_ = false;
      return;
    }
    refresh();  // register again at once: the record (and claims) may have expired meanwhile
  });
}

NodeDirectory::~NodeDirectory() { stop(); }

void NodeDirectory::start() {
  if (running_) return;
  running_ = true;
  self_.startedMs = unixMs();
  redis_.start();
  tick();
}

void NodeDirectory::stop() {
  if (!running_) return;
  running_ = false;
  timer_.cancel();
  redis_.stop();  // the record expires within the TTL; other nodes see the node leave then
  available_ = false;
}

const NodeInfo* NodeDirectory::node(std::string_view id) const noexcept {
  for (const auto& n : nodes_)
    if (n.id == id) return &n;
  return nullptr;
}

void NodeDirectory::tick() {
  if (!running_) return;
  timer_.startUs(options_.refreshUs, [this] { tick(); });
  refresh();
}

void NodeDirectory::refreshNow() { refresh(); }

void NodeDirectory::refresh() {
  if (!running_) return;
  if (!redis_.connected()) {
    available_ = false;
    return;
  }
  ++stats_.refreshes;
  self_.load = reporter_.nodeLoad();
  self_.streams = reporter_.nodeStreams();
  self_.updatedMs = unixMs();
  const std::string ttl = std::to_string(options_.ttlMs);
  redis_.command({"SET", nodeKey(self_.id), nodeInfoToJson(self_), "PX", ttl}, [this](const net::RedisReply& r) {
    if (!r.ok()) {
      ++stats_.refreshFailures;
      if (available_) spdlog::warn("cluster: cannot write this node's record: {}", r.str);
      available_ = false;
      return;
    }
    if (!available_) spdlog::info("cluster: node '{}' registered (region {})", self_.id, self_.region);
    available_ = true;
  });
  redis_.command({"SADD", options_.keyPrefix + "nodes", self_.id}, [](const net::RedisReply&) {});
  // The cluster's secret: made by the first node; a Redis that came back empty gets it back from
  // the nodes that know it; every node takes what Redis holds, so all agree.
  std::string offer = secret_;
  if (offer.empty()) {
    std::vector<uint8_t> fresh(32);
    randomBytes(fresh);
    offer = toHex(fresh);
  }
  redis_.command({"SET", options_.keyPrefix + "secret", offer, "NX"}, [](const net::RedisReply&) {});
  redis_.command({"GET", options_.keyPrefix + "secret"}, [this](const net::RedisReply& r) {
    if (r.type == net::RedisReply::Type::kString && r.str.size() >= 32 && r.str != secret_) {
      if (!secret_.empty()) spdlog::warn("cluster: the nodes' secret in Redis changed; taking it");
      secret_ = r.str;
    }
  });
  // Keep (or take back, after Redis was away) the claim of every stream this node holds.
  for (const auto& s : self_.streams) {
    if (s.source == "relay-in") continue;  // relayed here: the stream's own node holds the claim
    redis_.command({"EVAL", kClaimScript, "1", streamKey(s.name), self_.id, ttl},
                   [this, name = s.name](const net::RedisReply& r) {
                     const StreamOwner o = ownerOf(r);
                     if (!o.answered || o.node == self_.id) return;
                     ++stats_.claimConflicts;
                     reporter_.onStreamClaimedElsewhere(name, o.node);
                   });
  }
  readNodes();
}

void NodeDirectory::readNodes() {
  redis_.command({"SMEMBERS", options_.keyPrefix + "nodes"}, [this](const net::RedisReply& r) {
    if (!r.ok() || r.type != net::RedisReply::Type::kArray) return;
    std::vector<std::string> ids;
    std::vector<std::string> args{"MGET"};
    for (const auto& e : r.elements) {
      if (e.type != net::RedisReply::Type::kString || !validNodeName(e.str)) continue;
      ids.push_back(e.str);
      args.push_back(nodeKey(e.str));
    }
    if (ids.empty()) {
      nodes_.clear();
      return;
    }
    redis_.command(std::move(args), [this, ids](const net::RedisReply& records) { onNodeRecords(ids, records); });
  });
}

void NodeDirectory::onNodeRecords(const std::vector<std::string>& ids, const net::RedisReply& reply) {
  if (!reply.ok() || reply.type != net::RedisReply::Type::kArray || reply.elements.size() != ids.size()) return;
  std::vector<NodeInfo> live;
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto& e = reply.elements[i];
    if (e.isNil()) {
      // Its record expired: the node is gone. Whoever sees it first drops it from the set.
      redis_.command({"SREM", options_.keyPrefix + "nodes", ids[i]}, [](const net::RedisReply&) {});
      continue;
    }
    std::string why;
    auto node = e.type == net::RedisReply::Type::kString ? parseNodeInfo(e.str, &why) : std::nullopt;
    if (!node || node->id != ids[i]) {
      if (++stats_.invalidRecords % 100 == 1) spdlog::warn("cluster: node record '{}' ignored: {}", ids[i], why);
      continue;
    }
    live.push_back(std::move(*node));
  }
  std::sort(live.begin(), live.end(), [](const NodeInfo& a, const NodeInfo& b) { return a.id < b.id; });
  for (const auto& n : live)
    if (!node(n.id) && n.id != self_.id) spdlog::info("cluster: node '{}' joined ({}, {})", n.id, n.region, n.httpUrl);
  for (const auto& n : nodes_) {
    const bool still = std::any_of(live.begin(), live.end(), [&](const NodeInfo& m) { return m.id == n.id; });
    if (!still && n.id != self_.id) spdlog::info("cluster: node '{}' left", n.id);
  }
  nodes_ = std::move(live);
}

void NodeDirectory::claimStream(const std::string& stream, std::function<void(StreamOwner)> done) {
  redis_.command({"EVAL", kClaimScript, "1", streamKey(stream), self_.id, std::to_string(options_.ttlMs)},
                 [done = std::move(done)](const net::RedisReply& r) { done(ownerOf(r)); });
}

void NodeDirectory::locateStream(const std::string& stream, std::function<void(StreamOwner)> done) {
  redis_.command({"GET", streamKey(stream)}, [done = std::move(done)](const net::RedisReply& r) { done(ownerOf(r)); });
}

void NodeDirectory::releaseStream(const std::string& stream) {
  redis_.command({"EVAL", kReleaseScript, "1", streamKey(stream), self_.id}, [](const net::RedisReply&) {});
}

}  // namespace rtcgate::cluster
