#pragma once
// A self-signed TLS server certificate for trials: generated on first run into a folder,
// reused on later runs, so a browser told to trust it once keeps trusting it.

#include <string>
#include <vector>

namespace rtcgate::crypto::tls {

struct SelfSignedFiles {
  std::string certFile;  // <dir>/cert.pem
  std::string keyFile;   // <dir>/key.pem (mode 0600)
  std::string sha256Fingerprint;  // "AB:CD:..."
  bool generated = false;  // false: the files of an earlier run were reused
};

// Reuses `dir`/cert.pem and key.pem when they match each other, stay valid for at least
// 7 more days and name every entry of `names` (IP literals as IP addresses, others as DNS
// names) in their subjectAltName; otherwise writes a new ECDSA P-256 certificate valid for
// one year with exactly those names. A startup step: throws std::runtime_error.
SelfSignedFiles ensureSelfSignedCertificate(const std::string& dir, const std::vector<std::string>& names);

}  // namespace rtcgate::crypto::tls
