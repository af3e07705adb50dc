#include "crypto/dtls/certificate.h"

#include <openssl/pem.h>

#include <cstdio>

#include "base/random.h"

namespace rtcgate::crypto::dtls {
namespace {

constexpr long kNotBeforeSeconds = -30L * 24 * 3600;
constexpr long kNotAfterSeconds = 365L * 24 * 3600;

Error internal(const char* m) {
  return Error{Error::Code::kInternal, m};
}

// A positive 63-bit random serial (RFC 5280 §4.1.2.2 wants positive and unique).
bool setRandomSerial(X509* cert) {
  BignumPtr bn(BN_new());
  if (!bn) return false;
  const uint64_t serial = randomU64() >> 1 | 1;
  uint8_t be[8];
  for (int i = 0; i < 8; ++i) be[i] = static_cast<uint8_t>(serial >> (56 - 8 * i));
  if (!BN_bin2bn(be, sizeof be, bn.get())) return false;
  return BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool fillCertificate(X509* cert, EVP_PKEY* key) {
  if (X509_set_version(cert, 2) != 1 || !setRandomSerial(cert)) return false;
  if (!X509_gmtime_adj(X509_getm_notBefore(cert), kNotBeforeSeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert), kNotAfterSeconds)) {
    return false;
  }
  if (X509_set_pubkey(cert, key) != 1) return false;
  X509NamePtr name(X509_NAME_new());
  if (!name) return false;
  const auto* cn = reinterpret_cast<const unsigned char*>("rtcgate");
  if (X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC, cn, -1, -1, 0) != 1) return false;
  if (X509_set_subject_name(cert, name.get()) != 1 || X509_set_issuer_name(cert, name.get()) != 1) {
    return false;
  }
  return X509_sign(cert, key, EVP_sha256()) > 0;
}

struct FileCloser {
  void operator()(FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

}  // namespace

Certificate::Certificate(Token, X509Ptr cert, EvpPkeyPtr key)
    : cert_(std::move(cert)), key_(std::move(key)) {}

Result<std::unique_ptr<Certificate>> Certificate::fromParts(X509Ptr cert, EvpPkeyPtr key) {
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Error::malformed("certificate and private key do not match");
  }
  auto fp = computeFingerprint(cert.get(), FingerprintAlgorithm::kSha256);
  if (!fp) return fp.error();
  auto c = std::make_unique<Certificate>(Token{}, std::move(cert), std::move(key));
  c->sha256_ = *fp;
  c->sdpFingerprint_ = fp->toSdpValue();
  return c;
}

Result<std::unique_ptr<Certificate>> Certificate::generate() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return internal("P-256 key generation failed");
  X509Ptr cert(X509_new());
  if (!cert || !fillCertificate(cert.get(), key.get())) return internal("self-signed certificate failed");
  return fromParts(std::move(cert), std::move(key));
}

Result<std::unique_ptr<Certificate>> Certificate::loadPem(const std::string& certPath,
                                                          const std::string& keyPath) {
  FilePtr certFile(std::fopen(certPath.c_str(), "rb"));
  if (!certFile) return Error{Error::Code::kNotFound, "certificate file not readable"};
  X509Ptr cert(PEM_read_X509(certFile.get(), nullptr, nullptr, nullptr));
  if (!cert) return Error::malformed("certificate file is not PEM X.509");
  FilePtr keyFile(std::fopen(keyPath.c_str(), "rb"));
  if (!keyFile) return Error{Error::Code::kNotFound, "private key file not readable"};
  EvpPkeyPtr key(PEM_read_PrivateKey(keyFile.get(), nullptr, nullptr, nullptr));
  if (!key) return Error::malformed("private key file is not PEM");
  return fromParts(std::move(cert), std::move(key));
}

}  // namespace rtcgate::crypto::dtls
