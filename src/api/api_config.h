#pragma once
// ApiConfig: the settings the HTTP API needs (a slice of the app's Config).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rtcgate::api {

struct ApiConfig {
  // Addresses put in ICE candidates; empty = each worker's bound address.
  std::vector<std::string> advertisedIps;
  // STUN/TURN URLs announced with Link: rel="ice-server" (RFC 9725 §4.6).
  std::vector<std::string> iceServers;
  // Bearer tokens by stream-name prefix; the longest matching prefix applies.
  std::map<std::string, std::string> tokens;
  size_t maxSessions = 10000;
  bool replacePublisher = false;  // a second WHIP publish replaces the first instead of 409
  std::string webRoot = "web";
};

// The token `stream` needs: the one of the longest prefix of its name in `tokens` (WHIP,
// WHEP and RTMP alike); null when the stream is open.
inline const std::string* requiredToken(const std::map<std::string, std::string>& tokens,
                                        std::string_view stream) noexcept {
  const std::string* required = nullptr;
  size_t best = 0;
  for (const auto& [prefix, token] : tokens) {
    if (stream.substr(0, prefix.size()) == prefix && (required == nullptr || prefix.size() >= best)) {
      required = &token;
      best = prefix.size();
    }
  }
  return required;
}

}  // namespace rtcgate::api
