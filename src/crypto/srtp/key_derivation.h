#pragma once
// SRTP session-key derivation with the AES-CM PRF (RFC 3711 §4.3, key_derivation_rate 0).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "crypto/srtp_profile.h"

namespace rtcgate::crypto::srtp {

// The keys one direction of SRTP or SRTCP uses per packet (RFC 3711 §4.3.1).
struct SessionKeys {
  std::array<uint8_t, 16> encryptionKey{};
  std::array<uint8_t, 14> salt{};  // first saltLength bytes used: 14 for AES-CM, 12 for GCM
  size_t saltLength = 0;
  std::array<uint8_t, 20> authKey{};  // HMAC-SHA1 key; unused by GCM
};

// Session keys for SRTP (labels 0..2) and SRTCP (labels 3..5) of one master key.
struct DerivedKeys {
  SessionKeys rtp;
  SessionKeys rtcp;
};

// KDF labels of RFC 3711 §4.3.1 and §4.3.2.
enum class KdfLabel : uint8_t {
  kRtpEncryption = 0,
  kRtpAuth = 1,
  kRtpSalt = 2,
  kRtcpEncryption = 3,
  kRtcpAuth = 4,
  kRtcpSalt = 5,
};

// AES-CM PRF output for one label (RFC 3711 §4.3.3): keystream of AES-128-CTR under the
// master key with IV = (master_salt XOR (label << 48)) * 2^16. A 12-byte GCM master salt
// is zero-padded on the right to 14 bytes (RFC 7714 §11, as libsrtp does).
Status deriveKey(std::span<const uint8_t> masterKey, std::span<const uint8_t> masterSalt, KdfLabel label,
                 std::span<uint8_t> out) noexcept;

// All session keys of a profile from its master key and salt.
Result<DerivedKeys> deriveSessionKeys(SrtpProfile profile, std::span<const uint8_t> masterKey,
                                      std::span<const uint8_t> masterSalt) noexcept;

}  // namespace rtcgate::crypto::srtp
