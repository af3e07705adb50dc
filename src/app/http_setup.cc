#include "app/http_setup.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "crypto/tls/self_signed_certificate.h"

namespace rtcgate::app {

namespace {

// The host part of an "ip:port" setting, unless it is a wildcard or not parseable.
void addListenHost(const std::string& setting, std::vector<std::string>& names) {
  if (setting.empty()) return;
  try {
    const auto hp = parseHostPort(setting);
    if (hp.host != "0.0.0.0" && hp.host != "::" && !hp.host.empty()) names.push_back(hp.host);
  } catch (const std::exception&) {
  }
}

std::vector<std::string> selfSignedNames(const Config& config) {
  std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
  addListenHost(config.http.httpsListen, names);
  addListenHost(config.httpListen, names);
  for (const auto& ip : config.advertisedIps) names.push_back(ip);
  for (const auto& n : config.http.tlsSelfSignedNames) names.push_back(n);
  std::vector<std::string> unique;
  for (auto& n : names)
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(std::move(n));
  return unique;
}

}  // namespace

net::HttpLimits httpLimitsOf(const Config& config) {
  const HttpConfig& h = config.http;
  net::HttpLimits l;
  l.maxBodyBytes = static_cast<size_t>(h.maxBodyBytes);
  l.maxHeaderBytes = static_cast<size_t>(h.maxHeaderBytes);
  l.idleTimeoutSeconds = static_cast<int>(h.idleTimeoutSeconds);
  l.headerTimeoutSeconds = static_cast<int>(h.headerTimeoutSeconds);
  l.bodyTimeoutSeconds = static_cast<int>(h.bodyTimeoutSeconds);
  l.tlsHandshakeTimeoutSeconds = static_cast<int>(h.tlsHandshakeTimeoutSeconds);
  l.maxConnections = static_cast<size_t>(h.maxConnections);
  l.perClient.connectionsPerSecond = h.clientConnectionsPerSecond;
  l.perClient.connectionBurst = h.clientConnectionBurst;
  l.perClient.maxOpenPerClient = static_cast<size_t>(h.clientMaxConnections);
  l.perClient.exemptLoopback = !h.limitLoopback;
  l.hstsMaxAgeSeconds = h.hstsMaxAgeSeconds;
  return l;
}

net::WebSocketLimits webSocketLimitsOf(const Config& config) {
  // Room signaling: SDP of big rooms is large, and JSON escapes every line end.
  return net::WebSocketLimits{.maxMessageBytes = 256 * 1024,
                              .idleTimeoutSeconds = static_cast<int>(config.http.websocketIdleTimeoutSeconds)};
}

std::shared_ptr<net::TlsContext> tlsContextOf(const Config& config) {
  const HttpConfig& h = config.http;
  const bool haveFiles = !h.tlsCertFile.empty() || !h.tlsKeyFile.empty();
  if (h.httpsListen.empty()) {
    if (haveFiles || h.tlsSelfSigned)
      throw std::runtime_error("a TLS certificate is configured but https_listen is empty: set https_listen");
    return nullptr;
  }
  if (haveFiles) {
    if (h.tlsCertFile.empty() || h.tlsKeyFile.empty())
      throw std::runtime_error("tls_cert_file and tls_key_file go together");
    auto tls = net::TlsContext::load(h.tlsCertFile, h.tlsKeyFile);
    spdlog::info("https: certificate {} (SHA-256 {})", h.tlsCertFile, tls->sha256Fingerprint());
    return tls;
  }
  if (!h.tlsSelfSigned)
    throw std::runtime_error("https_listen needs tls_cert_file and tls_key_file, or tls_self_signed = true");
  const auto names = selfSignedNames(config);
  const auto files = crypto::tls::ensureSelfSignedCertificate(h.tlsSelfSignedDir, names);
  spdlog::info("https: {} self-signed certificate {} for {} (SHA-256 {})", files.generated ? "generated a" : "reusing the",
               files.certFile, fmt::join(names, ", "), files.sha256Fingerprint);
  spdlog::warn("https: browsers warn about a self-signed certificate; use a real one (tls_cert_file) in production");
  return net::TlsContext::load(files.certFile, files.keyFile);
}

}  // namespace rtcgate::app
