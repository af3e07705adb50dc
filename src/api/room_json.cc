#include "api/room_json.h"

namespace rtcgate::api::room {

using json = nlohmann::json;

json trackJson(const sfu::RoomTrack& t) {
  return {{"id", t.id},
          {"kind", sfu::mediaKindName(t.kind)},
          {"source", sfu::trackSourceName(t.source)},
          {"muted", t.muted},
          {"stream", t.stream}};
}

json participantJson(const sfu::RoomParticipant& p) {
  json tracks = json::array();
  for (const auto& t : p.tracks) tracks.push_back(trackJson(t));
  // Stored as the client sent it, already checked to be an object.
  json metadata = json::parse(p.metadata, nullptr, false);
  if (metadata.is_discarded()) metadata = json::object();
  return {{"name", p.name}, {"displayName", p.displayName}, {"metadata", std::move(metadata)}, {"tracks", tracks}};
}

std::string message(std::string_view type, json fields) {
  fields["type"] = type;
  // Display names and metadata came from clients: never let bad UTF-8 throw here.
  return fields.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string errorMessage(ErrorCode code, std::string_view text, std::string_view rid) {
  json fields{{"code", errorCodeName(code)}, {"message", text}};
  if (!rid.empty()) fields["rid"] = rid;
  return message("error", std::move(fields));
}

}  // namespace rtcgate::api::room
