#include "crypto/tls/self_signed_certificate.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

namespace rtcgate::crypto::tls {
namespace {

class SelfSignedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("rtcgate-selfsigned-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

X509* readCert(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return nullptr;
  X509* c = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return c;
}

TEST_F(SelfSignedTest, GeneratesOnceThenReuses) {
  const std::vector<std::string> names{"localhost", "127.0.0.1", "::1", "media.example.org"};
  const auto first = ensureSelfSignedCertificate((dir / "tls").string(), names);
  EXPECT_TRUE(first.generated);
  EXPECT_EQ(first.sha256Fingerprint.size(), 32u * 3 - 1);
  struct stat st{};
  ASSERT_EQ(::stat(first.keyFile.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the private key is readable by others";
  X509* cert = readCert(first.certFile);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "media.example.org", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "::1", 0), 1);
  EXPECT_NE(X509_check_ip_asc(cert, "10.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, 0), 1);
  X509_free(cert);

  const auto again = ensureSelfSignedCertificate((dir / "tls").string(), names);
  EXPECT_FALSE(again.generated);
  EXPECT_EQ(again.sha256Fingerprint, first.sha256Fingerprint);
}

TEST_F(SelfSignedTest, ANewNameOrABrokenFileMakesANewOne) {
  const auto first = ensureSelfSignedCertificate(dir.string(), {"localhost"});
  const auto wider = ensureSelfSignedCertificate(dir.string(), {"localhost", "192.0.2.10"});
  EXPECT_TRUE(wider.generated);
  EXPECT_NE(wider.sha256Fingerprint, first.sha256Fingerprint);
  {
    FILE* f = std::fopen(wider.keyFile.c_str(), "wb");
    std::fputs("not a key", f);
    std::fclose(f);
  }
  const auto repaired = ensureSelfSignedCertificate(dir.string(), {"localhost", "192.0.2.10"});
  EXPECT_TRUE(repaired.generated);
}

TEST_F(SelfSignedTest, UnwritableFolderThrows) {
  EXPECT_THROW(ensureSelfSignedCertificate("/proc/rtcgate-cannot-write", {"localhost"}), std::runtime_error);
}

}  // namespace
}  // namespace rtcgate::crypto::tls
