#pragma once
// HttpConfig: the settings of the HTTP listeners — HTTPS (certificate, self-signed trial
// certificate, HSTS) and the limits that protect them from abusive clients.

#include <cstdint>
#include <string>
#include <vector>

namespace rtcgate::app {

struct HttpConfig {
  // HTTPS and WSS listen address, e.g. "0.0.0.0:443"; "" = no HTTPS.
  std::string httpsListen;
  // Certificate chain (leaf first) and private key, PEM.
  std::string tlsCertFile;
  std::string tlsKeyFile;
  // Without a certificate: generate a self-signed one on first run into tlsSelfSignedDir
  // and reuse it later. Its subjectAltName: localhost, loopback, the listen and advertised
  // addresses, and tlsSelfSignedNames.
  bool tlsSelfSigned = false;
  std::string tlsSelfSignedDir = "tls";
  std::vector<std::string> tlsSelfSignedNames;
  // Strict-Transport-Security on HTTPS answers; 0 = off.
  int64_t hstsMaxAgeSeconds = 0;
  // Limits (net::HttpLimits).
  int64_t headerTimeoutSeconds = 10;
  int64_t idleTimeoutSeconds = 30;
  int64_t bodyTimeoutSeconds = 30;
  int64_t tlsHandshakeTimeoutSeconds = 10;
  int64_t maxBodyBytes = 64 * 1024;
  int64_t maxHeaderBytes = 16 * 1024;
  int64_t maxConnections = 4096;
  double clientConnectionsPerSecond = 20;
  double clientConnectionBurst = 100;
  int64_t clientMaxConnections = 256;
  bool limitLoopback = false;  // true: loopback clients are limited like any other
  int64_t websocketIdleTimeoutSeconds = 30;
};

}  // namespace rtcgate::app
