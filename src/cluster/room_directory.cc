#include "cluster/room_directory.h"

#include <spdlog/spdlog.h>

namespace rtcgate::cluster {

void RoomDirectory::write(const std::string& room, const std::vector<RoomMemberRecord>& members) {
  ++stats_.writes;
  auto& redis = nodes_.redis();
  auto counted = [this](const net::RedisReply& r) {
    if (!r.ok()) ++stats_.failures;
  };
  if (members.empty()) return redis.command({"HDEL", key(room), selfId()}, counted);
  redis.command({"HSET", key(room), selfId(), roomRecordToJson(members)}, counted);
  redis.command({"PEXPIRE", key(room), std::to_string(ttlMs_)}, counted);
}

void RoomDirectory::read(const std::string& room, std::function<void(bool, Members)> done) {
  ++stats_.reads;
  nodes_.redis().command({"HGETALL", key(room)}, [this, room, done = std::move(done)](const net::RedisReply& r) {
    if (!r.ok() || r.type != net::RedisReply::Type::kArray || r.elements.size() % 2 != 0) {
      ++stats_.failures;
      return done(false, {});
    }
    Members out;
    for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
      const std::string& node = r.elements[i].str;
      if (node == selfId() || !nodes_.node(node)) continue;  // ours, or a node that is gone
      std::string why;
      auto members = parseRoomRecord(r.elements[i + 1].str, &why);
      if (!members) {
        if (++stats_.invalidRecords % 100 == 1)
          spdlog::warn("cluster: node {}'s record of room {} ignored: {}", node, room, why);
        continue;
      }
      out.emplace(node, std::move(*members));
    }
    done(true, std::move(out));
  });
}

}  // namespace rtcgate::cluster
