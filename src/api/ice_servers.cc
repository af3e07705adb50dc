#include "api/ice_servers.h"

#include <nlohmann/json.hpp>

#include "api/http_util.h"
#include "base/clock.h"
#include "base/hex.h"
#include "base/random.h"
#include "transport/turn/turn_credentials.h"

namespace rtcgate::api {

namespace {

// The host part of a Host header ("example.com:8080" → "example.com", "[::1]:80" → "[::1]").
std::string hostOnly(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    return std::string(host.substr(0, close == std::string_view::npos ? host.size() : close + 1));
  }
  return std::string(host.substr(0, host.find(':')));
}

std::string turnHost(const ApiConfig& config, std::string_view requestHost) {
  const std::string host = config.turn.host.empty() ? hostOnly(requestHost) : config.turn.host;
  const bool v6 = host.find(':') != std::string::npos && host.front() != '[';
  return v6 ? "[" + host + "]" : host;
}

// RFC 9110 §5.6.4 quoted-string: the credential alphabets (digits, base64, our user ids)
// need no escaping, but escape anyway so a configured value cannot break the header.
std::string quotedString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<IceServer> iceServersFor(const ApiConfig& config, std::string_view requestHost) {
  std::vector<IceServer> out;
  for (const auto& url : config.iceServers) out.push_back(IceServer{{url}, {}, {}});
  if (!config.turn.enabled) return out;
  const std::string host = turnHost(config, requestHost);
  if (host.empty() || host == "[]") return out;
  std::array<uint8_t, 6> id{};
  randomBytes(id);
  const auto credential = transport::turn::RestCredentials(config.turn.secret)
                              .mint(toHex(id), unixTimeMs() / 1000 + config.turn.credentialTtlSeconds);
  const std::string base = "turn:" + host + ":" + std::to_string(config.turn.port);
  IceServer turn{{base + "?transport=udp", base + "?transport=tcp"}, credential.username, credential.password};
  // TURN over TLS for networks that let only TLS out: its own port, else the HTTPS port
  // under the name that selects TURN there (the certificate must be valid for it).
  if (config.turn.tlsPort != 0)
    turn.urls.push_back("turns:" + host + ":" + std::to_string(config.turn.tlsPort) + "?transport=tcp");
  else if (!config.turn.tlsServerName.empty() && config.turn.httpsPort != 0)
    turn.urls.push_back("turns:" + config.turn.tlsServerName + ":" + std::to_string(config.turn.httpsPort) +
                        "?transport=tcp");
  out.push_back(std::move(turn));
  return out;
}

void addIceServerLinks(net::HttpResponse& res, const ApiConfig& config, const net::HttpRequest& req) {
  for (const auto& server : iceServersFor(config, req[http::field::host])) {
    for (const auto& url : server.urls) {
      std::string link = "<" + url + ">; rel=\"ice-server\"";
      if (!server.username.empty()) {
        link += "; username=" + quotedString(server.username) + "; credential=" + quotedString(server.credential) +
                "; credential-type=\"password\"";
      }
      res.insert(http::field::link, link);
    }
  }
}

nlohmann::json iceServersJson(const std::vector<IceServer>& servers) {
  auto out = nlohmann::json::array();
  for (const auto& s : servers) {
    nlohmann::json j{{"urls", s.urls}};
    if (!s.username.empty()) {
      j["username"] = s.username;
      j["credential"] = s.credential;
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace rtcgate::api
