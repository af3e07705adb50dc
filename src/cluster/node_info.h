#pragma once
// NodeInfo: what a node tells the cluster about itself through Redis every second — who it
// is, where clients and other nodes reach it, how loaded it is, the streams it holds — and
// the JSON form nodes exchange (parsed strictly: another node's record is untrusted input).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtcgate::cluster {

struct NodeLoad {
  double cpu = 0;  // share of the machine's cores the process used over the last second (0-1)
  uint64_t sessions = 0;
  uint64_t maxSessions = 0;
  uint64_t egressBps = 0;  // media bits/s sent
  uint64_t transcodes = 0;
  uint64_t maxTranscodes = 0;
};

// How full a node is, 0 (idle) to 1 (at a limit): its busiest resource.
double loadScore(const NodeLoad& load) noexcept;

// A stream a node holds the source of.
struct NodeStream {
  std::string name;
  std::string source;  // "whip", "rtmp-publish", "mix", "relay-in"...
  uint64_t players = 0;
  std::string from;  // relay-in: the node it is relayed from
};

struct NodeInfo {
  std::string id;
  std::string region;
  std::string httpUrl;    // where clients (and other nodes' relay requests) reach it: http(s)://host:port
  std::string relayHost;  // the IP its media workers are reached at by other nodes
  NodeLoad load;
  bool draining = false;
  int64_t startedMs = 0;
  int64_t updatedMs = 0;
  std::vector<NodeStream> streams;
};

// Node ids and regions: 1-64 of [A-Za-z0-9_.-].
bool validNodeName(std::string_view name) noexcept;

std::string nodeInfoToJson(const NodeInfo& node);
// A node's record, or nullopt (and `why`) when it is not one: wrong types, bad names, a
// URL that is not http(s), more than kMaxNodeStreams streams.
std::optional<NodeInfo> parseNodeInfo(std::string_view json, std::string* why = nullptr);

inline constexpr size_t kMaxNodeStreams = 100'000;

}  // namespace rtcgate::cluster
