#include "crypto/dtls/dtls_context.h"

#include <string>

namespace rtcgate::crypto::dtls {
namespace {

// What browsers offer for DTLS-SRTP, AEAD first; the RSA suites let us act as client
// towards a peer with an RSA certificate.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA";
constexpr const char* kGroups = "X25519:P-256:P-384";

// Self-signed peer certificates are the norm in WebRTC: the chain cannot be verified, the
// fingerprint from the signaling channel authenticates the peer instead.
int acceptAnyCertificate(int /*preverifyOk*/, X509_STORE_CTX* /*ctx*/) {
  return 1;
}

Error internal(const char* m) {
  return Error{Error::Code::kInternal, m};
}

bool configureProtocol(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1) {
    return false;
  }
  if (SSL_CTX_set_cipher_list(ctx, kCipherList) != 1 || SSL_CTX_set1_groups_list(ctx, kGroups) != 1) {
    return false;
  }
  // No MTU probing on a memory BIO (the engine sets it), no tickets or session cache:
  // every WebRTC session is a fresh handshake.
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_read_ahead(ctx, 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, acceptAnyCertificate);
  return true;
}

std::string srtpProfileList(const std::vector<SrtpProfile>& profiles) {
  std::string list;
  for (SrtpProfile p : profiles) {
    if (!list.empty()) list += ':';
    list += opensslProfileName(p);
  }
  return list;
}

}  // namespace

DtlsContext::DtlsContext(Token, SslCtxPtr ctx, std::shared_ptr<const Certificate> certificate)
    : ctx_(std::move(ctx)), certificate_(std::move(certificate)) {}

Result<std::unique_ptr<DtlsContext>> DtlsContext::create(std::shared_ptr<const Certificate> certificate,
                                                         const DtlsContextOptions& options) {
  if (!certificate) return Error::state("DtlsContext needs a certificate");
  if (options.srtpProfiles.empty()) return Error::malformed("no SRTP profile configured");
  SslCtxPtr ctx(SSL_CTX_new(DTLS_method()));
  if (!ctx) return internal("SSL_CTX_new failed");
  if (SSL_CTX_use_certificate(ctx.get(), certificate->x509()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), certificate->privateKey()) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    return internal("certificate rejected by SSL_CTX");
  }
  if (!configureProtocol(ctx.get())) return internal("DTLS protocol settings rejected");
  // Note the inverted convention: SSL_CTX_set_tlsext_use_srtp returns 0 on success.
  if (SSL_CTX_set_tlsext_use_srtp(ctx.get(), srtpProfileList(options.srtpProfiles).c_str()) != 0) {
    return internal("SRTP profiles rejected");
  }
  return std::make_unique<DtlsContext>(Token{}, std::move(ctx), std::move(certificate));
}

}  // namespace rtcgate::crypto::dtls
