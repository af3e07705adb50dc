#pragma once
// Config: every setting of the gateway, typed, with its default; filled from the TOML file
// and then the command line (the command line wins).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/config_cluster.h"
#include "app/http_config.h"

namespace rtcgate::app {

struct Config {
  // HTTP (WHIP/WHEP, admin API, demo page) listen address.
  std::string httpListen = "127.0.0.1:8080";
  // Address the media workers' UDP sockets bind to.
  std::string udpListenIp = "127.0.0.1";
  // UDP port of the first media worker; worker i uses udpPort + i. 0 = any free port.
  uint16_t udpPort = 40000;
  // Media worker threads; 0 = one per core.
  unsigned workers = 0;
  // ICE-TCP (RFC 6544): each worker also listens on TCP at its UDP port number, and answers
  // carry a passive TCP candidate below the UDP ones, for clients whose UDP is blocked.
  bool iceTcp = true;
  // ICE-TCP connections each worker holds (authenticated or not) before refusing more.
  size_t iceTcpMaxConnections = 1000;
  // Addresses put in ICE candidates (NAT/cloud public IPs). Empty = the listen address.
  std::vector<std::string> advertisedIps;
  // DTLS certificate and key (PEM). Empty = a fresh ECDSA P-256 certificate at start.
  std::string certFile;
  std::string keyFile;
  std::string logLevel = "info";
  // Folder of the demo page and its assets.
  std::string webRoot = "web";
  // STUN/TURN URLs announced to WHIP/WHEP clients (Link: rel="ice-server").
  std::vector<std::string> iceServers;
  // Bearer tokens by stream-name prefix ("" = every stream); none = open.
  std::map<std::string, std::string> tokens;
  // Sessions the gateway accepts before answering 503.
  size_t maxSessions = 10000;
  // A second publisher of a live stream replaces the first (else 409 Conflict).
  bool replacePublisher = false;
  // Rooms (docs/ROOMS.md): how many, how big, and how long a dropped participant is kept.
  size_t maxRooms = 1000;
  size_t maxRoomParticipants = 50;
  int64_t roomGraceSeconds = 20;
  // RTMP listen address for encoders (OBS, ffmpeg) and RTMP players; "" = no RTMP.
  std::string rtmpListen = "127.0.0.1:1935";
  // RTMP application names accepted (rtmp://host/{app}/{key}); the stream name is the key.
  std::vector<std::string> rtmpApps{"live"};
  // The stream an RTMP URL names: "key" (rtmp://host/live/cam is stream "cam") or "app/key"
  // (stream "live/cam", played at /whep/live/cam).
  std::string rtmpStreamName = "key";
  // Codec threads for transcoding (AAC ⇄ Opus, VP8 → H.264...); 0 = one per core.
  unsigned codecThreads = 0;
  // Keyframe interval of the H.264 renditions rtcgate encodes.
  unsigned keyframeIntervalMs = 2000;
  // Timed metadata also as SEI user data unregistered in the H.264 rtcgate encodes
  // (docs/DATA.md), for players that read it from the video.
  bool seiMetadata = false;

  // Limits (docs/SECURITY.md): what clients together can make the gateway hold.
  size_t maxStreams = 1000;    // streams published at once; more get 503
  size_t maxTranscodes = 16;   // transcodes running at once, all streams together
  // WHEP players of one stream a worker takes before the stream fans out to another worker
  // (a replica relayed from its own); 0: never.
  size_t fanoutPlayersPerWorker = 500;
  // Networks RTMP pushes may reach besides public addresses and loopback (CIDR), e.g.
  // ["10.0.0.0/8"] for a CDN ingest inside the network. Private, link-local (cloud
  // metadata) and other special ranges are refused unless named here.
  std::vector<std::string> egressAllowedNetworks;
  // Per client address (IPv6 per /64; loopback exempt unless http_limit_loopback): new
  // sessions (WHIP, WHEP) per second and at once, and sessions not connected yet. Past
  // them: 429 with Retry-After.
  double clientSessionsPerSecond = 5;
  double clientSessionBurst = 20;
  size_t clientMaxPendingSessions = 20;
  // HTTPS/WSS and the limits of the HTTP listeners (app/http_config.h).
  HttpConfig http;
  // [cluster] (docs/CLUSTER.md): many nodes as one gateway, through Redis.
  ClusterConfig cluster;

  // [auth] (docs/AUTH.md): JWT access control, on when any key below is set. Then every
  // WHIP/WHEP/RTMP/room access and the admin API need a token (static tokens still work).
  std::string jwtSecret;         // HS256 shared secret, at least 32 bytes
  std::string jwtPublicKeyFile;  // PEM public key: ES256 (EC P-256) or RS256 (RSA)
  std::string jwksFile;          // JWKS document of ES256/RS256 keys (chosen by "kid")
  int64_t clockSkewSeconds = 30;  // allowance on exp and nbf
  std::string jwtAudience;       // non-empty: tokens' "aud" must hold it
  std::string jwtIssuer;         // non-empty: tokens' "iss" must be it
  bool metricsPublic = false;    // /metrics open even with JWT auth on
  bool jwtEnabled() const { return !jwtSecret.empty() || !jwtPublicKeyFile.empty() || !jwksFile.empty(); }

  // Built-in TURN server (RFC 8656; docs/TURN.md): it relays only to rtcgate's own media
  // ports, with REST API credentials handed out in Link headers and room join answers.
  bool turnEnabled = true;
  size_t maxMixes = 8;  // mixes running at once (POST /api/mixes)
  std::string recordingsDir = "recordings";  // where POST /api/streams/{s}/recordings writes
  size_t maxRecordings = 16;                 // recordings running at once
  std::string turnListen;      // UDP and TCP ip:port; "" = the HTTP listen IP, port 3478
  // TURN over TLS (needs a certificate: https_listen): its own port (ip:port; "" = none),
  // and on the HTTPS port for clients that name `turnTlsServerName` (SNI) or offer ALPN
  // "stun.turn" — which is always on with HTTPS.
  std::string turnTlsListen;
  std::string turnTlsServerName;
  std::string turnSecret;      // REST API shared secret; "" = a random one at each start
  std::string turnRealm = "rtcgate";
  int64_t turnCredentialTtlSeconds = 86400;  // validity of the credentials handed out
  size_t turnMaxAllocations = 1000;          // in total (one UDP socket each)
  size_t turnMaxAllocationsPerUser = 16;     // per handed-out credential
  uint64_t turnMaxBitrate = 20'000'000;      // bits/s per allocation, both ways together
  uint64_t turnMaxUserBitrate = 40'000'000;  // bits/s over a credential's allocations
};

// Loads `path` into `config` (keys it does not set keep their value). Throws
// std::runtime_error with a line/column message on a bad file or an unknown key.
void loadConfigFile(const std::string& path, Config& config);
// The same for a file's text; `path` names it in messages.
void loadConfigText(std::string_view text, const std::string& path, Config& config);

// "ip:port" or "[v6]:port" → parts; throws std::invalid_argument on a bad form.
struct HostPort {
  std::string host;
  uint16_t port;
};
HostPort parseHostPort(const std::string& text);

}  // namespace rtcgate::app
