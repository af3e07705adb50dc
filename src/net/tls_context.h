#pragma once
// TlsContext: the server side of TLS on the HTTP listener (and TURN over TLS) — a PEM
// certificate chain and its private key, TLS 1.2 and 1.3 only, forward-secret AEAD ciphers,
// ALPN "http/1.1", or "stun.turn" for TURN clients.

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>


namespace rtcgate::net {

class TlsContext {
 public:
  // Loads `certChainFile` (the leaf first, then intermediates) and `keyFile`. A startup
  // step: throws std::runtime_error naming what is wrong (unreadable, not PEM, key does not
  // match the certificate).
  static std::shared_ptr<TlsContext> load(const std::string& certChainFile, const std::string& keyFile);

  boost::asio::ssl::context& context() noexcept { return ctx_; }
  // SHA-256 of the leaf certificate, "AB:CD:..." (what browsers show, what operators pin).
  const std::string& sha256Fingerprint() const noexcept { return fingerprint_; }

  // Public for make_shared only.
  TlsContext();

 private:
  boost::asio::ssl::context ctx_;
  std::string fingerprint_;
};

}  // namespace rtcgate::net
