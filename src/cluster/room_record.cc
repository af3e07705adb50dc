#include "cluster/room_record.h"

#include <nlohmann/json.hpp>

#include "cluster/json_fields.h"

namespace rtcgate::cluster {

namespace {

using nlohmann::json;

// Bounds of what a client may send (api/room_messages.h), with room to spare.
constexpr size_t kMaxName = 64;
constexpr size_t kMaxDisplayName = 256;
constexpr size_t kMaxMetadata = 8192;

bool oneOf(const std::string& s, std::initializer_list<const char*> values) {
  for (const char* v : values)
    if (s == v) return true;
  return false;
}

}  // namespace

std::string roomRecordToJson(const std::vector<RoomMemberRecord>& members) {
  json list = json::array();
  for (const auto& m : members) {
    json tracks = json::array();
    for (const auto& t : m.tracks) tracks.push_back({{"source", t.source}, {"kind", t.kind}, {"muted", t.muted}});
    json metadata = json::parse(m.metadata, nullptr, false);
    if (metadata.is_discarded() || !metadata.is_object()) metadata = json::object();
    list.push_back({{"name", m.name},
                    {"display_name", m.displayName},
                    {"metadata", std::move(metadata)},
                    {"joined_ms", m.joinedMs},
                    {"tracks", std::move(tracks)}});
  }
  // Display names and metadata came from clients: never let bad UTF-8 throw here.
  return json{{"participants", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::vector<RoomMemberRecord>> parseRoomRecord(std::string_view text, std::string* why) {
  const auto fail = [why](const char* reason) -> std::optional<std::vector<RoomMemberRecord>> {
    if (why) *why = reason;
    return std::nullopt;
  };
  const json o = json::parse(text, nullptr, false);
  if (o.is_discarded() || !o.is_object()) return fail("not a JSON object");
  const auto list = o.find("participants");
  if (list == o.end() || !list->is_array() || list->size() > kMaxRoomRecordMembers)
    return fail("participants must be an array of at most 1000");
  std::vector<RoomMemberRecord> out;
  out.reserve(list->size());
  for (const auto& e : *list) {
    RoomMemberRecord m;
    if (!e.is_object() || !readField(e, "name", m.name) || m.name.empty() || m.name.size() > kMaxName)
      return fail("a participant needs a name of 1-64 bytes");
    if (!readField(e, "display_name", m.displayName) || m.displayName.size() > kMaxDisplayName)
      return fail("display_name must be a string of at most 256 bytes");
    if (!readField(e, "joined_ms", m.joinedMs)) return fail("joined_ms must be a time");
    if (const auto md = e.find("metadata"); md != e.end()) {
      if (!md->is_object()) return fail("metadata must be an object");
      m.metadata = md->dump(-1, ' ', false, json::error_handler_t::replace);
      if (m.metadata.size() > kMaxMetadata) return fail("metadata larger than 8192 bytes");
    }
    const auto tracks = e.find("tracks");
    if (tracks != e.end()) {
      if (!tracks->is_array() || tracks->size() > kMaxRoomRecordTracks) return fail("tracks must be an array of at most 8");
      for (const auto& t : *tracks) {
        RoomTrackRecord r;
        if (!t.is_object() || !readField(t, "source", r.source) || !oneOf(r.source, {"camera", "microphone", "screen"}) ||
            !readField(t, "kind", r.kind) || !oneOf(r.kind, {"audio", "video"}) || !readField(t, "muted", r.muted))
          return fail("a track needs a source (camera, microphone, screen), a kind (audio, video) and muted");
        m.tracks.push_back(std::move(r));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace rtcgate::cluster
