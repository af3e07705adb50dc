#pragma once
// The rules of the one stream namespace that every protocol shares: which names are valid,
// and which token a stream needs.

#include <map>
#include <string>
#include <string_view>

namespace rtcgate::cluster {

// Stream names: 1–64 of [A-Za-z0-9_.-], or two such parts joined by one '/' (RTMP
// "{app}/{key}" names), so they are safe in URLs, logs and metrics.
bool validStreamName(std::string_view name) noexcept;
// One part of a stream name: 1-64 of [A-Za-z0-9_.-], not "." or ".." (a room name too).
bool validNamePart(std::string_view part) noexcept;

// The token `stream` needs: the one of the longest prefix of its name in `tokens` (WHIP,
// WHEP and RTMP alike); null when the stream is open.
const std::string* requiredToken(const std::map<std::string, std::string>& tokens, std::string_view stream) noexcept;

}  // namespace rtcgate::cluster
