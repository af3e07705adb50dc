#pragma once
// Certificate fingerprints as carried in SDP a=fingerprint (RFC 8122 §5).

#include <openssl/x509.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rtcgate::crypto::dtls {

// The hash functions RFC 8122 §5 lets a fingerprint name (MD5/MD2 are refused).
enum class FingerprintAlgorithm : uint8_t { kSha1, kSha224, kSha256, kSha384, kSha512 };

constexpr size_t kMaxFingerprintSize = 64;  // SHA-512

// A digest of a DER certificate, kept as bytes so comparisons need no text handling.
struct Fingerprint {
  FingerprintAlgorithm algorithm = FingerprintAlgorithm::kSha256;
  std::array<uint8_t, kMaxFingerprintSize> bytes{};
  size_t size = 0;

  std::span<const uint8_t> digest() const noexcept { return {bytes.data(), size}; }
  // "AB:CD:..." as SDP writes it (RFC 8122 §5, uppercase by RFC 4572 convention).
  std::string toSdpValue() const;
};

// "sha-256" etc., case-insensitive (RFC 8122 §5: hash-func tokens are case-insensitive).
std::optional<FingerprintAlgorithm> parseFingerprintAlgorithm(std::string_view name) noexcept;
std::string_view fingerprintAlgorithmName(FingerprintAlgorithm algorithm) noexcept;
size_t fingerprintDigestSize(FingerprintAlgorithm algorithm) noexcept;

// Parses an SDP fingerprint value ("AB:CD:..."); the length must match the algorithm.
Result<Fingerprint> parseFingerprint(FingerprintAlgorithm algorithm, std::string_view hexValue);
// Digest of the DER encoding of `cert` (RFC 8122 §5).
Result<Fingerprint> computeFingerprint(X509* cert, FingerprintAlgorithm algorithm) noexcept;
// Constant-time comparison of two fingerprints of the same algorithm.
bool fingerprintsEqual(const Fingerprint& a, const Fingerprint& b) noexcept;

}  // namespace rtcgate::crypto::dtls
