#pragma once
// Certificate: the ECDSA P-256 key and X.509 certificate a worker presents in DTLS.

#include <memory>
#include <string>

#include "base/result.h"
#include "crypto/dtls/fingerprint.h"
#include "crypto/dtls/openssl_ptr.h"

namespace rtcgate::crypto::dtls {

// Generated once at start (or loaded from PEM) and shared by every DTLS session of a
// worker; its SHA-256 fingerprint goes into each SDP answer. Immutable after creation.
class Certificate {
 public:
  // A fresh P-256 key and a self-signed certificate: random serial, CN "rtcgate", valid
  // from 30 days ago (clock skew) to one year ahead.
  static Result<std::unique_ptr<Certificate>> generate();
  // Loads a PEM certificate and its PEM private key; fails if they do not match.
  static Result<std::unique_ptr<Certificate>> loadPem(const std::string& certPath,
                                                      const std::string& keyPath);

  // Public for make_unique only; the Token keeps construction inside the factories.
  struct Token {
   private:
    friend class Certificate;
    Token() = default;
  };
  Certificate(Token, X509Ptr cert, EvpPkeyPtr key);

  X509* x509() const noexcept { return cert_.get(); }
  EVP_PKEY* privateKey() const noexcept { return key_.get(); }
  const Fingerprint& sha256Fingerprint() const noexcept { return sha256_; }
  // The a=fingerprint value: "sha-256" + " " is the caller's; this is "AB:CD:...".
  const std::string& sdpFingerprint() const noexcept { return sdpFingerprint_; }

 private:
  static Result<std::unique_ptr<Certificate>> fromParts(X509Ptr cert, EvpPkeyPtr key);

  X509Ptr cert_;
  EvpPkeyPtr key_;
  Fingerprint sha256_;
  std::string sdpFingerprint_;
};

}  // namespace rtcgate::crypto::dtls
