#pragma once
// ApiConfig: the settings the HTTP API needs (a slice of the app's Config).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cluster/access_policy.h"

namespace rtcgate::api {

struct ApiConfig {
  // Addresses put in ICE candidates; empty = each worker's bound address.
  std::vector<std::string> advertisedIps;
  // STUN/TURN URLs announced with Link: rel="ice-server" (RFC 9725 §4.6).
  std::vector<std::string> iceServers;
  // Who may do what (static tokens by stream-name prefix, JWT auth; docs/AUTH.md).
  cluster::AccessPolicy access;
  // With JWT auth, /metrics is open (true) or needs the admin grant like the admin API.
  bool metricsPublic = false;
  size_t maxSessions = 10000;
  size_t maxStreams = 1000;  // streams published at once (WHIP, RTMP, rooms alike)
  bool replacePublisher = false;  // a second WHIP publish replaces the first instead of 409
  // Rooms (docs/ROOMS.md).
  size_t maxRooms = 1000;
  size_t maxRoomParticipants = 50;
  int64_t roomGraceUs = 20'000'000;
  std::string webRoot = "web";

  // The built-in TURN server as clients are told of it (set once it listens).
  struct Turn {
    bool enabled = false;
    std::string host;  // "" = the host the HTTP request was sent to
    uint16_t port = 0;
    // TURN over TLS: on its own port (0 = none), or on the HTTPS port for `tlsServerName`.
    uint16_t tlsPort = 0;
    std::string tlsServerName;
    uint16_t httpsPort = 0;
    std::string secret;  // REST API shared secret
    int64_t credentialTtlSeconds = 86400;
  } turn;
};

}  // namespace rtcgate::api
