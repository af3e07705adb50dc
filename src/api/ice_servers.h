#pragma once
// The ICE servers a client is told of: the configured STUN/TURN URLs, and the built-in TURN
// server over UDP and TCP with fresh REST API credentials — as WHIP/WHEP Link headers
// (RFC 9725 §4.6) and as RTCIceServer objects for the room join answer.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_config.h"
#include "net/http_server.h"

namespace rtcgate::api {

// One RTCIceServer: URLs, and for TURN its credential.
struct IceServer {
  std::vector<std::string> urls;
  std::string username;
  std::string credential;
};

// The ICE servers for one client; `requestHost` (the Host header) names the TURN server when
// no host is configured. Each call mints a new credential (user part: a random id).
std::vector<IceServer> iceServersFor(const ApiConfig& config, std::string_view requestHost);

// `Link: <url>; rel="ice-server"[; username=...; credential=...; credential-type="password"]`
// headers for every URL of iceServersFor (one URL per header, as RFC 9725 §4.6 writes them).
void addIceServerLinks(net::HttpResponse& res, const ApiConfig& config, const net::HttpRequest& req);

// [{"urls": [...], "username": ..., "credential": ...}] as RTCPeerConnection takes it.
nlohmann::json iceServersJson(const std::vector<IceServer>& servers);

}  // namespace rtcgate::api
