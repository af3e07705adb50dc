#pragma once
// RoomDirectory: the rooms whose participants sit on several nodes, kept in Redis (docs/
// CLUSTER.md "Rooms across nodes"). A room is one hash, `rtcgate:room:{name}`, with a field
// per node holding that node's participants of the room (cluster/room_record.h); each node
// writes its own field when its participants change and every second, and reads the others.
// The hash expires a few seconds after the last node stopped writing; the field of a node
// that died stays until then, and readers skip nodes the node directory no longer lists.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cluster/node_directory.h"
#include "cluster/room_record.h"

namespace rtcgate::cluster {

struct RoomDirectoryStats {
  uint64_t writes = 0;
  uint64_t reads = 0;
  uint64_t failures = 0;        // commands Redis refused or did not answer
  uint64_t invalidRecords = 0;  // fields that did not parse (ignored)
};

class RoomDirectory {
 public:
  // Another node's participants of a room, by node id (live nodes only; never this one).
  using Members = std::map<std::string, std::vector<RoomMemberRecord>>;

  RoomDirectory(NodeDirectory& nodes, int64_t ttlMs = 3000) : nodes_(nodes), ttlMs_(ttlMs) {}

  const std::string& selfId() const noexcept { return nodes_.self().id; }
  bool available() const noexcept { return nodes_.available(); }
  const RoomDirectoryStats& stats() const noexcept { return stats_; }

  // Writes this node's participants of `room` (none: removes this node's field).
  void write(const std::string& room, const std::vector<RoomMemberRecord>& members);
  // Reads the other nodes' participants of `room`: `done(true, members)`, or `done(false, {})`
  // when Redis did not answer (the caller keeps what it knew).
  void read(const std::string& room, std::function<void(bool, Members)> done);

 private:
  std::string key(const std::string& room) const { return nodes_.keyPrefix() + "room:" + room; }

  NodeDirectory& nodes_;
  int64_t ttlMs_;
  RoomDirectoryStats stats_;
};

}  // namespace rtcgate::cluster
