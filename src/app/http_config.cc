#include "app/http_config_file.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "app/config_toml.h"

namespace rtcgate::app {

namespace {

constexpr std::array<std::string_view, 19> kKeys = {
    "https_listen",         "tls_cert_file",           "tls_key_file",
    "tls_self_signed",      "tls_self_signed_dir",     "tls_self_signed_names",
    "hsts_max_age_seconds", "http_header_timeout_seconds", "http_idle_timeout_seconds",
    "http_body_timeout_seconds", "tls_handshake_timeout_seconds", "http_max_body_bytes",
    "http_max_header_bytes", "http_max_connections",   "http_client_connections_per_second",
    "http_client_connection_burst", "http_client_max_connections", "http_limit_loopback",
    "websocket_idle_timeout_seconds"};

std::runtime_error bad(std::string_view key, const std::string& why) {
  return std::runtime_error("config: '" + std::string(key) + "' " + why);
}

void takeRange(const toml::table& t, std::string_view key, int64_t& out, int64_t lo, int64_t hi) {
  take(t, key, out);
  if (out < lo || out > hi) throw bad(key, "must be " + std::to_string(lo) + " to " + std::to_string(hi));
}

void takeRate(const toml::table& t, std::string_view key, double& out) {
  if (const auto* node = t.get(key)) {
    auto v = node->value<double>();  // an integer is taken as well
    if (!v) throw bad(key, "must be a number");
    out = *v;
  }
  if (!(out > 0) || out > 1e6) throw bad(key, "must be above 0 (and at most 1e6)");
}

}  // namespace

bool isHttpConfigKey(std::string_view key) { return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end(); }

void loadHttpConfig(const toml::table& root, HttpConfig& c) {
  take(root, "https_listen", c.httpsListen);
  take(root, "tls_cert_file", c.tlsCertFile);
  take(root, "tls_key_file", c.tlsKeyFile);
  take(root, "tls_self_signed", c.tlsSelfSigned);
  take(root, "tls_self_signed_dir", c.tlsSelfSignedDir);
  if (const auto* node = root.get("tls_self_signed_names")) {
    const auto* arr = node->as_array();
    if (!arr) throw bad("tls_self_signed_names", "must be an array of strings");
    c.tlsSelfSignedNames.clear();
    for (const auto& n : *arr) {
      auto s = n.value<std::string>();
      if (!s || s->empty()) throw bad("tls_self_signed_names", "must be an array of non-empty strings");
      c.tlsSelfSignedNames.push_back(*s);
    }
  }
  takeRange(root, "hsts_max_age_seconds", c.hstsMaxAgeSeconds, 0, 2LL * 365 * 24 * 3600);
  takeRange(root, "http_header_timeout_seconds", c.headerTimeoutSeconds, 1, 300);
  takeRange(root, "http_idle_timeout_seconds", c.idleTimeoutSeconds, 1, 3600);
  takeRange(root, "http_body_timeout_seconds", c.bodyTimeoutSeconds, 1, 3600);
  takeRange(root, "tls_handshake_timeout_seconds", c.tlsHandshakeTimeoutSeconds, 1, 300);
  takeRange(root, "http_max_body_bytes", c.maxBodyBytes, 1024, 64LL * 1024 * 1024);
  takeRange(root, "http_max_header_bytes", c.maxHeaderBytes, 1024, 1024 * 1024);
  takeRange(root, "http_max_connections", c.maxConnections, 1, 1'000'000);
  takeRate(root, "http_client_connections_per_second", c.clientConnectionsPerSecond);
  takeRate(root, "http_client_connection_burst", c.clientConnectionBurst);
  if (c.clientConnectionBurst < 1) throw bad("http_client_connection_burst", "must be at least 1");
  takeRange(root, "http_client_max_connections", c.clientMaxConnections, 1, 1'000'000);
  take(root, "http_limit_loopback", c.limitLoopback);
  takeRange(root, "websocket_idle_timeout_seconds", c.websocketIdleTimeoutSeconds, 2, 3600);
}

}  // namespace rtcgate::app
