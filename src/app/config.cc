#include "app/config.h"

#include "app/config_toml.h"
#include "app/http_config_file.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

#include "app/config_turn.h"
#include "base/ip_network.h"

namespace rtcgate::app {

namespace {

void takeStrings(const toml::table& t, std::string_view key, std::vector<std::string>& out) {
  const auto* node = t.get(key);
  if (!node) return;
  const auto* arr = node->as_array();
  if (!arr) throw std::runtime_error("config: '" + std::string(key) + "' must be an array of strings");
  out.clear();
  for (const auto& n : *arr) {
    auto s = n.value<std::string>();
    if (!s) throw std::runtime_error("config: '" + std::string(key) + "' must be an array of strings");
    out.push_back(*s);
  }
}

// The [auth] table (docs/AUTH.md).
void loadAuth(const toml::table& auth, const std::string& path, Config& config) {
  static const std::vector<std::string_view> kKnown = {"jwt_secret", "jwt_public_key_file", "jwks_file",
                                                       "clock_skew_seconds", "jwt_audience", "jwt_issuer",
                                                       "metrics_public"};
  for (const auto& [key, node] : auth) {
    if (std::find(kKnown.begin(), kKnown.end(), key.str()) == kKnown.end())
      throw std::runtime_error("config " + path + ": unknown key 'auth." + std::string(key.str()) + "'");
  }
  take(auth, "jwt_secret", config.jwtSecret);
  take(auth, "jwt_public_key_file", config.jwtPublicKeyFile);
  take(auth, "jwks_file", config.jwksFile);
  take(auth, "clock_skew_seconds", config.clockSkewSeconds);
  take(auth, "jwt_audience", config.jwtAudience);
  take(auth, "jwt_issuer", config.jwtIssuer);
  take(auth, "metrics_public", config.metricsPublic);
  if (!config.jwtSecret.empty() && config.jwtSecret.size() < 32)
    throw std::runtime_error("config: auth.jwt_secret must be at least 32 bytes (RFC 7518 §3.2)");
  if (config.clockSkewSeconds < 0 || config.clockSkewSeconds > 600)
    throw std::runtime_error("config: auth.clock_skew_seconds must be 0 to 600");
}

}  // namespace

void loadConfigFile(const std::string& path, Config& config) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("config " + path + ": cannot be read");
  std::ostringstream text;
  text << file.rdbuf();
  loadConfigText(text.str(), path, config);
}

void loadConfigText(std::string_view text, const std::string& path, Config& config) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("config " + path + ": " + std::string(e.description()) + " at line " +
                             std::to_string(e.source().begin.line));
  }
  static const std::vector<std::string_view> kKnown = {
      "http_listen", "udp_listen_ip", "udp_port", "workers",      "advertised_ips",    "cert_file",
      "key_file",    "log_level",     "web_root", "ice_servers", "tokens", "max_sessions", "replace_publisher",
      "rtmp_listen", "rtmp_apps", "rtmp_stream_name",     "codec_threads", "keyframe_interval_ms", "sei_metadata",
      "max_rooms",   "max_room_participants", "room_grace_seconds", "auth", "ice_tcp", "ice_tcp_max_connections",
      "max_streams", "max_transcodes", "fanout_players_per_worker", "egress_allowed_networks", "client_sessions_per_second",
      "client_session_burst", "client_max_pending_sessions", "max_mixes", "recordings_dir", "max_recordings",
      "cluster"};
  for (const auto& [key, node] : root) {
    if (std::find(kKnown.begin(), kKnown.end(), key.str()) == kKnown.end() && !isHttpConfigKey(key.str()) &&
        !isTurnConfigKey(key.str()))
      throw std::runtime_error("config " + path + ": unknown key '" + std::string(key.str()) + "'");
  }
  take(root, "http_listen", config.httpListen);
  take(root, "udp_listen_ip", config.udpListenIp);
  int64_t port = config.udpPort;
  take(root, "udp_port", port);
  if (port < 0 || port > 65535) throw std::runtime_error("config: udp_port out of range");
  config.udpPort = static_cast<uint16_t>(port);
  int64_t workers = config.workers;
  take(root, "workers", workers);
  if (workers < 0 || workers > 256) throw std::runtime_error("config: workers out of range");
  config.workers = static_cast<unsigned>(workers);
  takeStrings(root, "advertised_ips", config.advertisedIps);
  take(root, "ice_tcp", config.iceTcp);
  int64_t iceTcpMax = static_cast<int64_t>(config.iceTcpMaxConnections);
  take(root, "ice_tcp_max_connections", iceTcpMax);
  if (iceTcpMax < 1 || iceTcpMax > 100000) throw std::runtime_error("config: ice_tcp_max_connections must be 1..100000");
  config.iceTcpMaxConnections = static_cast<size_t>(iceTcpMax);
  takeStrings(root, "ice_servers", config.iceServers);
  if (const auto* tokens = root.get_as<toml::table>("tokens")) {
    config.tokens.clear();
    for (const auto& [prefix, node] : *tokens) {
      auto token = node.value<std::string>();
      if (!token || token->empty()) throw std::runtime_error("config: tokens values must be non-empty strings");
      config.tokens[std::string(prefix.str())] = *token;
    }
  }
  if (const auto* auth = root.get("auth")) {
    if (!auth->is_table()) throw std::runtime_error("config: 'auth' must be a table ([auth])");
    loadAuth(*auth->as_table(), path, config);
  }
  take(root, "web_root", config.webRoot);
  int64_t maxSessions = static_cast<int64_t>(config.maxSessions);
  take(root, "max_sessions", maxSessions);
  if (maxSessions < 1) throw std::runtime_error("config: max_sessions must be at least 1");
  config.maxSessions = static_cast<size_t>(maxSessions);
  take(root, "replace_publisher", config.replacePublisher);
  take(root, "sei_metadata", config.seiMetadata);
  int64_t maxRooms = static_cast<int64_t>(config.maxRooms), maxRoomParticipants =
                                                                static_cast<int64_t>(config.maxRoomParticipants);
  take(root, "max_rooms", maxRooms);
  take(root, "max_room_participants", maxRoomParticipants);
  take(root, "room_grace_seconds", config.roomGraceSeconds);
  if (maxRooms < 1 || maxRoomParticipants < 2 || maxRoomParticipants > 100)
    throw std::runtime_error("config: max_rooms must be at least 1, max_room_participants 2 to 100");
  if (config.roomGraceSeconds < 1 || config.roomGraceSeconds > 300)
    throw std::runtime_error("config: room_grace_seconds must be 1 to 300");
  config.maxRooms = static_cast<size_t>(maxRooms);
  config.maxRoomParticipants = static_cast<size_t>(maxRoomParticipants);
  take(root, "rtmp_listen", config.rtmpListen);
  takeStrings(root, "rtmp_apps", config.rtmpApps);
  take(root, "rtmp_stream_name", config.rtmpStreamName);
  if (config.rtmpStreamName != "key" && config.rtmpStreamName != "app/key")
    throw std::runtime_error("config: rtmp_stream_name must be \"key\" or \"app/key\"");
  if (config.rtmpApps.empty()) throw std::runtime_error("config: rtmp_apps must name at least one application");
  int64_t codecThreads = config.codecThreads;
  take(root, "codec_threads", codecThreads);
  if (codecThreads < 0 || codecThreads > 256) throw std::runtime_error("config: codec_threads out of range");
  config.codecThreads = static_cast<unsigned>(codecThreads);
  int64_t keyint = config.keyframeIntervalMs;
  take(root, "keyframe_interval_ms", keyint);
  if (keyint < 200 || keyint > 20000) throw std::runtime_error("config: keyframe_interval_ms must be 200..20000");
  config.keyframeIntervalMs = static_cast<unsigned>(keyint);
  int64_t maxStreams = static_cast<int64_t>(config.maxStreams), maxTranscodes = static_cast<int64_t>(config.maxTranscodes);
  take(root, "max_streams", maxStreams);
  take(root, "max_transcodes", maxTranscodes);
  if (maxStreams < 1 || maxTranscodes < 0)
    throw std::runtime_error("config: max_streams must be at least 1, max_transcodes at least 0");
  config.maxStreams = static_cast<size_t>(maxStreams);
  config.maxTranscodes = static_cast<size_t>(maxTranscodes);
  int64_t fanout = static_cast<int64_t>(config.fanoutPlayersPerWorker);
  take(root, "fanout_players_per_worker", fanout);
  if (fanout < 0 || fanout > 1'000'000) throw std::runtime_error("config: fanout_players_per_worker must be 0..1000000");
  config.fanoutPlayersPerWorker = static_cast<size_t>(fanout);
  int64_t maxMixes = static_cast<int64_t>(config.maxMixes);
  take(root, "max_mixes", maxMixes);
  if (maxMixes < 0 || maxMixes > 256) throw std::runtime_error("config: max_mixes must be 0..256");
  config.maxMixes = static_cast<size_t>(maxMixes);
  take(root, "recordings_dir", config.recordingsDir);
  if (config.recordingsDir.empty()) throw std::runtime_error("config: recordings_dir must not be empty");
  int64_t maxRecordings = static_cast<int64_t>(config.maxRecordings);
  take(root, "max_recordings", maxRecordings);
  if (maxRecordings < 0 || maxRecordings > 256) throw std::runtime_error("config: max_recordings must be 0..256");
  config.maxRecordings = static_cast<size_t>(maxRecordings);
  takeStrings(root, "egress_allowed_networks", config.egressAllowedNetworks);
  int64_t maxPending = static_cast<int64_t>(config.clientMaxPendingSessions);
  take(root, "client_sessions_per_second", config.clientSessionsPerSecond);
  take(root, "client_session_burst", config.clientSessionBurst);
  take(root, "client_max_pending_sessions", maxPending);
  if (config.clientSessionsPerSecond <= 0 || config.clientSessionBurst < 1 || maxPending < 1)
    throw std::runtime_error("config: client_sessions_per_second must be > 0, client_session_burst and "
                             "client_max_pending_sessions at least 1");
  config.clientMaxPendingSessions = static_cast<size_t>(maxPending);
  for (const auto& n : config.egressAllowedNetworks)
    if (!IpNetwork::parse(n)) throw std::runtime_error("config: egress_allowed_networks: not a network (CIDR): '" + n + "'");
  take(root, "cert_file", config.certFile);
  take(root, "key_file", config.keyFile);
  take(root, "log_level", config.logLevel);
  loadHttpConfig(root, config.http);
  loadTurnConfig(root, config);
  if (const auto* cluster = root.get("cluster")) {
    if (!cluster->is_table()) throw std::runtime_error("config: 'cluster' must be a table ([cluster])");
    loadClusterConfig(*cluster->as_table(), path, config.cluster);
  }
}

HostPort parseHostPort(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw std::invalid_argument("expected [ipv6]:port, got '" + text + "'");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("expected ip:port, got '" + text + "'");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  size_t used = 0;
  unsigned long p = 0;
  try {
    p = std::stoul(port, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (port.empty() || used != port.size() || p > 65535) throw std::invalid_argument("bad port in '" + text + "'");
  return {host, static_cast<uint16_t>(p)};
}

}  // namespace rtcgate::app
