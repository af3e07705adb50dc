#pragma once
// The server's room signaling messages (docs/ROOMS.md) as JSON text.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/room_messages.h"
#include "sfu/room.h"

namespace rtcgate::api::room {

nlohmann::json trackJson(const sfu::RoomTrack& t);
// {name, displayName, metadata, tracks}
nlohmann::json participantJson(const sfu::RoomParticipant& p);
// {"type": type, ...fields}
std::string message(std::string_view type, nlohmann::json fields = nlohmann::json::object());
std::string errorMessage(ErrorCode code, std::string_view text, std::string_view rid = {});

}  // namespace rtcgate::api::room
