#include "crypto/tls/self_signed_certificate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include "base/random.h"
#include "crypto/dtls/openssl_ptr.h"

namespace rtcgate::crypto::tls {

using dtls::BignumPtr;
using dtls::EvpPkeyPtr;
using dtls::X509NamePtr;
using dtls::X509Ptr;

namespace {

constexpr long kNotBeforeSeconds = -24L * 3600;  // clock skew between us and the browser
constexpr long kNotAfterSeconds = 365L * 24 * 3600;
constexpr long kRenewWithinSeconds = 7L * 24 * 3600;

struct FileCloser {
  void operator()(FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

bool isIpLiteral(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

std::string fingerprintOf(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  std::string out;
  char hex[4];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
    out += hex;
  }
  return out;
}

// The existing pair, when it is still good for `names`.
bool reusable(const std::string& certPath, const std::string& keyPath, const std::vector<std::string>& names,
              std::string& fingerprint) {
  FilePtr cf(std::fopen(certPath.c_str(), "rb"));
  FilePtr kf(std::fopen(keyPath.c_str(), "rb"));
  if (!cf || !kf) return false;
  X509Ptr cert(PEM_read_X509(cf.get(), nullptr, nullptr, nullptr));
  EvpPkeyPtr key(PEM_read_PrivateKey(kf.get(), nullptr, nullptr, nullptr));
  if (!cert || !key || X509_check_private_key(cert.get(), key.get()) != 1) return false;
  time_t soon = std::time(nullptr) + kRenewWithinSeconds;
  if (X509_cmp_time(X509_get0_notAfter(cert.get()), &soon) <= 0) return false;
  for (const auto& n : names) {
    const int ok = isIpLiteral(n) ? X509_check_ip_asc(cert.get(), n.c_str(), 0)
                                  : X509_check_host(cert.get(), n.c_str(), n.size(), 0, nullptr);
    if (ok != 1) return false;
  }
  fingerprint = fingerprintOf(cert.get());
  return true;
}

void addExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) throw std::runtime_error("self-signed certificate: bad extension " + value);
  const int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (added != 1) throw std::runtime_error("self-signed certificate: cannot add extension");
}

X509Ptr makeCertificate(EVP_PKEY* key, const std::vector<std::string>& names) {
  X509Ptr cert(X509_new());
  BignumPtr serial(BN_new());
  if (!cert || !serial) throw std::runtime_error("self-signed certificate: out of memory");
  const uint64_t s = randomU64() >> 1 | 1;
  uint8_t be[8];
  for (int i = 0; i < 8; ++i) be[i] = static_cast<uint8_t>(s >> (56 - 8 * i));
  X509NamePtr name(X509_NAME_new());
  const auto* cn = reinterpret_cast<const unsigned char*>("rtcgate self-signed");
  if (X509_set_version(cert.get(), 2) != 1 || !BN_bin2bn(be, sizeof be, serial.get()) ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), kNotBeforeSeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), kNotAfterSeconds) || X509_set_pubkey(cert.get(), key) != 1 ||
      !name || X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC, cn, -1, -1, 0) != 1 ||
      X509_set_subject_name(cert.get(), name.get()) != 1 || X509_set_issuer_name(cert.get(), name.get()) != 1) {
    throw std::runtime_error("self-signed certificate: cannot fill the certificate");
  }
  std::string san;
  for (const auto& n : names) san += (san.empty() ? "" : ",") + std::string(isIpLiteral(n) ? "IP:" : "DNS:") + n;
  addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExtension(cert.get(), NID_key_usage, "critical,digitalSignature");
  addExtension(cert.get(), NID_ext_key_usage, "serverAuth");
  if (!san.empty()) addExtension(cert.get(), NID_subject_alt_name, san);
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) throw std::runtime_error("self-signed certificate: signing failed");
  return cert;
}

// Writes through a temporary file and a rename, so a crash never leaves half a PEM.
template <typename WriteFn>
void writeFile(const std::string& path, mode_t mode, WriteFn write) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp);
  FilePtr f(fdopen(fd, "wb"));
  if (!f) {
    ::close(fd);
    throw std::runtime_error("cannot write " + tmp);
  }
  const bool ok = write(f.get()) && std::fflush(f.get()) == 0;
  f.reset();
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot write " + path);
}

}  // namespace

SelfSignedFiles ensureSelfSignedCertificate(const std::string& dir, const std::vector<std::string>& names) {
  SelfSignedFiles out;
  const std::filesystem::path folder(dir.empty() ? "." : dir);
  out.certFile = (folder / "cert.pem").string();
  out.keyFile = (folder / "key.pem").string();
  if (reusable(out.certFile, out.keyFile, names, out.sha256Fingerprint)) return out;
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw std::runtime_error("cannot create " + folder.string() + ": " + ec.message());
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw std::runtime_error("self-signed certificate: P-256 key generation failed");
  X509Ptr cert = makeCertificate(key.get(), names);
  writeFile(out.keyFile, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  writeFile(out.certFile, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
  out.sha256Fingerprint = fingerprintOf(cert.get());
  out.generated = true;
  return out;
}

}  // namespace rtcgate::crypto::tls
