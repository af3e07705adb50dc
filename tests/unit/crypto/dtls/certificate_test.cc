#include "crypto/dtls/certificate.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace rtcgate::crypto::dtls {
namespace {

std::unique_ptr<Certificate> generate() {
  auto c = Certificate::generate();
  EXPECT_TRUE(c.ok());
  return c ? std::move(c).value() : nullptr;
}

TEST(Certificate, GeneratesSelfSignedP256) {
  auto cert = generate();
  ASSERT_TRUE(cert);
  EXPECT_TRUE(EVP_PKEY_is_a(cert->privateKey(), "EC"));
  char group[32] = {};
  size_t len = 0;
  ASSERT_EQ(EVP_PKEY_get_utf8_string_param(cert->privateKey(), "group", group, sizeof group, &len), 1);
  EXPECT_STREQ(group, "prime256v1");
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert->x509()), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "rtcgate");
  EXPECT_EQ(X509_verify(cert->x509(), cert->privateKey()), 1);  // self-signed
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert->x509())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert->x509())), 0);
}

TEST(Certificate, SerialsAndKeysDiffer) {
  auto a = generate();
  auto b = generate();
  ASSERT_TRUE(a && b);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->x509()), X509_get0_serialNumber(b->x509())), 0);
  EXPECT_NE(a->sdpFingerprint(), b->sdpFingerprint());
}

TEST(Certificate, SdpFingerprintIsUppercaseColonHexSha256) {
  auto cert = generate();
  ASSERT_TRUE(cert);
  const std::string& text = cert->sdpFingerprint();
  ASSERT_EQ(text.size(), 32u * 3 - 1);
  for (size_t i = 0; i < text.size(); ++i) {
    const bool hex = (text[i] >= '0' && text[i] <= '9') || (text[i] >= 'A' && text[i] <= 'F');
    EXPECT_TRUE(i % 3 == 2 ? text[i] == ':' : hex) << text;
  }
  auto fp = computeFingerprint(cert->x509(), FingerprintAlgorithm::kSha256);
  ASSERT_TRUE(fp.ok());
  EXPECT_TRUE(fingerprintsEqual(*fp, cert->sha256Fingerprint()));
  auto parsed = parseFingerprint(FingerprintAlgorithm::kSha256, cert->sdpFingerprint());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(fingerprintsEqual(*parsed, *fp));
}

TEST(Certificate, LoadsPemPairAndRejectsMismatch) {
  auto cert = generate();
  auto other = generate();
  ASSERT_TRUE(cert && other);
  const auto dir = std::filesystem::temp_directory_path() / ("rtcgate-cert-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string certPath = (dir / "cert.pem").string();
  const std::string keyPath = (dir / "key.pem").string();
  const std::string otherKeyPath = (dir / "other.pem").string();
  auto write = [](const std::string& path, auto&& fn) {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(fn(f), 1);
    std::fclose(f);
  };
  write(certPath, [&](FILE* f) { return PEM_write_X509(f, cert->x509()); });
  write(keyPath, [&](FILE* f) {
    return PEM_write_PrivateKey(f, cert->privateKey(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  write(otherKeyPath, [&](FILE* f) {
    return PEM_write_PrivateKey(f, other->privateKey(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  auto loaded = Certificate::loadPem(certPath, keyPath);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ((*loaded)->sdpFingerprint(), cert->sdpFingerprint());
  EXPECT_FALSE(Certificate::loadPem(certPath, otherKeyPath).ok());
  EXPECT_FALSE(Certificate::loadPem(keyPath, keyPath).ok());
  EXPECT_EQ(Certificate::loadPem((dir / "missing.pem").string(), keyPath).error().code,
            Error::Code::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rtcgate::crypto::dtls
