#include "crypto/dtls/fingerprint.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cctype>

#include "base/hex.h"

namespace rtcgate::crypto::dtls {
namespace {

struct AlgorithmInfo {
  FingerprintAlgorithm algorithm;
  std::string_view name;
  size_t size;
};

constexpr std::array<AlgorithmInfo, 5> kAlgorithms = {{
    {FingerprintAlgorithm::kSha1, "sha-1", 20},
    {FingerprintAlgorithm::kSha224, "sha-224", 28},
    {FingerprintAlgorithm::kSha256, "sha-256", 32},
    {FingerprintAlgorithm::kSha384, "sha-384", 48},
    {FingerprintAlgorithm::kSha512, "sha-512", 64},
}};

const EVP_MD* digestFor(FingerprintAlgorithm a) noexcept {
  switch (a) {
    case FingerprintAlgorithm::kSha1:
      return EVP_sha1();
    case FingerprintAlgorithm::kSha224:
      return EVP_sha224();
    case FingerprintAlgorithm::kSha256:
      return EVP_sha256();
    case FingerprintAlgorithm::kSha384:
      return EVP_sha384();
    case FingerprintAlgorithm::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string Fingerprint::toSdpValue() const {
  return toHex(digest(), ':', true);
}

std::optional<FingerprintAlgorithm> parseFingerprintAlgorithm(std::string_view name) noexcept {
  for (const auto& info : kAlgorithms) {
    if (equalsIgnoreCase(name, info.name)) return info.algorithm;
  }
  return std::nullopt;
}

std::string_view fingerprintAlgorithmName(FingerprintAlgorithm algorithm) noexcept {
  return kAlgorithms[static_cast<size_t>(algorithm)].name;
}

size_t fingerprintDigestSize(FingerprintAlgorithm algorithm) noexcept {
  return kAlgorithms[static_cast<size_t>(algorithm)].size;
}

Result<Fingerprint> parseFingerprint(FingerprintAlgorithm algorithm, std::string_view hexValue) {
  const std::vector<uint8_t> bytes = fromHex(hexValue);
  if (bytes.empty()) return Error::malformed("fingerprint is not hex");
  if (bytes.size() != fingerprintDigestSize(algorithm)) return Error::malformed("fingerprint length wrong");
  Fingerprint fp;
  fp.algorithm = algorithm;
  fp.size = bytes.size();
  std::copy(bytes.begin(), bytes.end(), fp.bytes.begin());
  return fp;
}

Result<Fingerprint> computeFingerprint(X509* cert, FingerprintAlgorithm algorithm) noexcept {
  if (cert == nullptr) return Error::state("no certificate");
  Fingerprint fp;
  fp.algorithm = algorithm;
  unsigned int len = 0;
  // X509_digest hashes the DER encoding, which is what RFC 8122 §5 specifies.
  if (X509_digest(cert, digestFor(algorithm), fp.bytes.data(), &len) != 1) {
    return Error{Error::Code::kInternal, "X509_digest failed"};
  }
  fp.size = len;
  return fp;
}

bool fingerprintsEqual(const Fingerprint& a, const Fingerprint& b) noexcept {
  if (a.algorithm != b.algorithm || a.size != b.size) return false;
  return CRYPTO_memcmp(a.bytes.data(), b.bytes.data(), a.size) == 0;
}

}  // namespace rtcgate::crypto::dtls
