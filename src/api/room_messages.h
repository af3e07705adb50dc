#pragma once
// Room signaling messages (docs/ROOMS.md): the client's JSON messages parsed into typed
// values, every field checked (type, length, range) before anything acts on it. Pure: no
// sockets, no state, no logging; fuzzed alone.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfu/room.h"
#include "sfu/simulcast.h"

namespace rtcgate::api::room {

// Why a client message was refused; `code` is what the client and the metrics see.
enum class ErrorCode : uint8_t {
  kBadJson,
  kBadMessage,
  kUnknownType,
  kNotJoined,
  kAlreadyJoined,
  kUnauthorized,
  kRoomFull,
  kTooManyRooms,
  kNoOffer,
  kSdpRejected,
  kRateLimited,
  kUnavailable,
};
inline constexpr size_t kErrorCodeCount = 12;
std::string_view errorCodeName(ErrorCode code) noexcept;

using Source = sfu::TrackSource;

// A publisher connection: "main" carries camera and microphone, "screen" the screen share.
enum class Connection : uint8_t { kMain, kScreen };
std::string_view connectionName(Connection c) noexcept;

inline constexpr size_t kMaxMetadataBytes = 4096;
inline constexpr size_t kMaxDisplayNameBytes = 64;
inline constexpr size_t kMaxNameLength = 48;

struct Resume {
  std::string participant;
  std::string secret;
};
struct Join {
  std::string room;
  std::string name;
  std::string displayName;  // defaults to name
  nlohmann::json metadata = nlohmann::json::object();
  std::string token;
  std::optional<Resume> resume;
  // Receive the others' audio as one mixed track (everyone but yourself) instead of one
  // track per speaker.
  bool mixedAudio = false;
  // Data channels on the subscriber connection: messages to everyone or to named
  // participants (docs/DATA.md "Rooms").
  bool data = false;
};
struct PublishedTrack {
  std::string mid;
  Source source = Source::kCamera;
};
struct Publish {
  Connection connection = Connection::kMain;
  std::string sdp;
  std::vector<PublishedTrack> tracks;
};
struct Unpublish {
  Connection connection = Connection::kMain;
};
struct Answer {
  uint64_t negotiation = 0;
  std::string sdp;
};
struct Mute {
  Source source = Source::kCamera;
  bool muted = false;
};
struct Subscription {
  std::string track;
  std::optional<bool> subscribed;
  std::optional<bool> paused;
  std::optional<sfu::Quality> layer;
  std::optional<uint32_t> maxWidth;
  std::optional<uint32_t> maxHeight;
};
struct Update {
  std::optional<std::string> displayName;
  std::optional<nlohmann::json> metadata;
};
struct RestartIce {};
struct Leave {};
struct Ping {};

using ClientMessage =
    std::variant<Join, Publish, Unpublish, Answer, Mute, Subscription, Update, RestartIce, Leave, Ping>;

// A parsed message and the request id to echo in an error about it.
struct Parsed {
  std::string rid;
  ClientMessage message;
};
// A refused message, with the request id when one could be read.
struct ParseError {
  ErrorCode code = ErrorCode::kBadMessage;
  std::string message;
  std::string rid;
};

// Parses one WebSocket text message.
std::variant<Parsed, ParseError> parseClientMessage(std::string_view text);

// A room name: 1-64 of [A-Za-z0-9_.-], not "." or "..".
bool validRoomName(std::string_view room) noexcept;
// A participant name: 1-48 of [A-Za-z0-9_-] (no '.', so "{name}.screen" is never a name).
bool validParticipantName(std::string_view name) noexcept;

}  // namespace rtcgate::api::room
