#pragma once
// DtlsContext: the SSL_CTX one worker shares between all its DTLS-SRTP sessions.

#include <memory>
#include <vector>

#include "base/result.h"
#include "crypto/dtls/certificate.h"
#include "crypto/dtls/openssl_ptr.h"
#include "crypto/srtp_profile.h"

namespace rtcgate::crypto::dtls {

// Settings for a DtlsContext. The profile order is our preference (the server picks).
struct DtlsContextOptions {
  std::vector<SrtpProfile> srtpProfiles{SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAes128CmHmacSha1_80};
};

// DTLS 1.2 only (Debian 12's OpenSSL 3.0 has no DTLS 1.3), ECDHE with AEAD ciphers first,
// use_srtp, and a peer certificate always requested but accepted when self-signed: the
// real check is the SDP fingerprint, done by DtlsEngine once the handshake finishes.
class DtlsContext {
 public:
  static Result<std::unique_ptr<DtlsContext>> create(std::shared_ptr<const Certificate> certificate,
                                                     const DtlsContextOptions& options = {});

  // Public for make_unique only; the Token keeps construction inside create().
  struct Token {
   private:
    friend class DtlsContext;
    Token() = default;
  };
  DtlsContext(Token, SslCtxPtr ctx, std::shared_ptr<const Certificate> certificate);

  SSL_CTX* sslCtx() const noexcept { return ctx_.get(); }
  const Certificate& certificate() const noexcept { return *certificate_; }

 private:
  SslCtxPtr ctx_;
  std::shared_ptr<const Certificate> certificate_;
};

}  // namespace rtcgate::crypto::dtls
