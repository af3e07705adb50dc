#include "crypto/dtls/fingerprint.h"

#include <gtest/gtest.h>

#include "crypto/dtls/certificate.h"

namespace rtcgate::crypto::dtls {
namespace {

std::unique_ptr<Certificate> generate() {
  auto c = Certificate::generate();
  EXPECT_TRUE(c.ok());
  return c ? std::move(c).value() : nullptr;
}

TEST(Fingerprint, AlgorithmsByRfc8122Name) {
  struct Case {
    const char* name;
    FingerprintAlgorithm alg;
    size_t size;
  };
  const Case cases[] = {{"sha-1", FingerprintAlgorithm::kSha1, 20},
                        {"SHA-224", FingerprintAlgorithm::kSha224, 28},
                        {"sha-256", FingerprintAlgorithm::kSha256, 32},
                        {"Sha-384", FingerprintAlgorithm::kSha384, 48},
                        {"sha-512", FingerprintAlgorithm::kSha512, 64}};
  auto cert = generate();
  ASSERT_TRUE(cert);
  for (const auto& c : cases) {
    const auto alg = parseFingerprintAlgorithm(c.name);
    ASSERT_TRUE(alg) << c.name;
    EXPECT_EQ(*alg, c.alg);
    EXPECT_EQ(fingerprintDigestSize(c.alg), c.size);
    auto fp = computeFingerprint(cert->x509(), c.alg);
    ASSERT_TRUE(fp.ok());
    EXPECT_EQ(fp->size, c.size);
    EXPECT_EQ(fp->toSdpValue().size(), c.size * 3 - 1);
    auto back = parseFingerprint(c.alg, fp->toSdpValue());
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(fingerprintsEqual(*back, *fp));
  }
  EXPECT_FALSE(parseFingerprintAlgorithm("md5"));
  EXPECT_FALSE(parseFingerprintAlgorithm("sha256"));
  EXPECT_EQ(fingerprintAlgorithmName(FingerprintAlgorithm::kSha384), "sha-384");
}

TEST(Fingerprint, ComparisonNeedsSameAlgorithmAndBytes) {
  auto a = parseFingerprint(FingerprintAlgorithm::kSha1,
                            "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33");
  auto b = parseFingerprint(FingerprintAlgorithm::kSha1,
                            "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:34");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(fingerprintsEqual(*a, *b));
  EXPECT_TRUE(fingerprintsEqual(*a, *a));
  EXPECT_FALSE(parseFingerprint(FingerprintAlgorithm::kSha256, "00:11").ok());
  EXPECT_FALSE(computeFingerprint(nullptr, FingerprintAlgorithm::kSha256).ok());
}

}  // namespace
}  // namespace rtcgate::crypto::dtls
