#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace rtcgate::net {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites: ECDHE only (forward secrecy), AEAD only (Mozilla's "intermediate" list).
// TLS 1.3 suites are OpenSSL's defaults, all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// RFC 7301 §3.2: pick "http/1.1" when the client offers it, else "stun.turn" (RFC 7443: a
// TURN client, which the listener has handed to the TURN server); a client that offers only
// protocols we do not speak (h2 alone) gets no ALPN and may still speak HTTP/1.1.
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outLen, const unsigned char* in, unsigned inLen,
               void*) {
  const auto find = [&](std::string_view want) -> bool {
    for (unsigned i = 0; i < inLen;) {
      const unsigned len = in[i];
      if (i + 1 + len > inLen) break;
      if (len == want.size() && std::memcmp(in + i + 1, want.data(), len) == 0) {
        *out = in + i + 1;
        *outLen = static_cast<unsigned char>(len);
        return true;
      }
      i += 1 + len;
    }
    return false;
  };
  return find("http/1.1") || find("stun.turn") ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK;
}

std::string opensslError() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

std::string fingerprintOf(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (!cert || X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  std::string out;
  char hex[4];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
    out += hex;
  }
  return out;
}

bool readable(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  std::fclose(f);
  return true;
}

}  // namespace

TlsContext::TlsContext() : ctx_(ssl::context::tls_server) {}

std::shared_ptr<TlsContext> TlsContext::load(const std::string& certChainFile, const std::string& keyFile) {
  if (!readable(certChainFile)) throw std::runtime_error("TLS certificate file not readable: " + certChainFile);
  if (!readable(keyFile)) throw std::runtime_error("TLS key file not readable: " + keyFile);
  auto tls = std::make_shared<TlsContext>();
  SSL_CTX* ctx = tls->ctx_.native_handle();
  ERR_clear_error();
  boost::system::error_code ec;
  tls->ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                        ec);
  if (ec || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    throw std::runtime_error("TLS settings refused: " + opensslError());
  }
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, nullptr);
  tls->ctx_.use_certificate_chain_file(certChainFile, ec);
  if (ec) throw std::runtime_error("TLS certificate " + certChainFile + " is not a PEM certificate chain: " + opensslError());
  tls->ctx_.use_private_key_file(keyFile, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("TLS key " + keyFile + " is not a PEM private key: " + opensslError());
  if (SSL_CTX_check_private_key(ctx) != 1) {
    throw std::runtime_error("TLS key " + keyFile + " does not match the certificate " + certChainFile);
  }
  tls->fingerprint_ = fingerprintOf(SSL_CTX_get0_certificate(ctx));
  return tls;
}

}  // namespace rtcgate::net
