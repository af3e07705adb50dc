#pragma once
// RoomRecord: the participants of a room that one node holds, as that node writes them to
// Redis for the room's other nodes (docs/CLUSTER.md "Rooms across nodes"): who they are and
// which tracks they publish. Parsed strictly: another node's record is untrusted input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtcgate::cluster {

struct RoomTrackRecord {
  std::string source;  // "camera", "microphone", "screen"
  std::string kind;    // "audio", "video"
  bool muted = false;
};

struct RoomMemberRecord {
  std::string name;
  std::string displayName;
  std::string metadata = "{}";  // a JSON object, as its client sent it
  int64_t joinedMs = 0;         // wall clock: of two of one name, the later joined wins
  std::vector<RoomTrackRecord> tracks;
};

inline constexpr size_t kMaxRoomRecordMembers = 1000;
inline constexpr size_t kMaxRoomRecordTracks = 8;

std::string roomRecordToJson(const std::vector<RoomMemberRecord>& members);
// The members in a node's record, or nullopt (and `why`): wrong types, names or sizes.
// Names are checked for length only; the room checks them as it checks a client's.
std::optional<std::vector<RoomMemberRecord>> parseRoomRecord(std::string_view json, std::string* why = nullptr);

}  // namespace rtcgate::cluster
