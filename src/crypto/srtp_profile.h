#pragma once
// SrtpProfile: the DTLS-SRTP protection profiles rtcgate negotiates (RFC 5764, RFC 7714).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtcgate::crypto {

enum class SrtpProfile : uint8_t {
  kAeadAes128Gcm,         // SRTP_AEAD_AES_128_GCM (RFC 7714), preferred
  kAes128CmHmacSha1_80,   // SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711), kept for older peers
};

// Master key and salt sizes (RFC 5764 §4.1.2, RFC 7714 §12) and auth-tag lengths.
constexpr size_t masterKeyLength(SrtpProfile) noexcept { return 16; }
constexpr size_t masterSaltLength(SrtpProfile p) noexcept {
  return p == SrtpProfile::kAeadAes128Gcm ? 12 : 14;
}
constexpr size_t rtpTagLength(SrtpProfile p) noexcept { return p == SrtpProfile::kAeadAes128Gcm ? 16 : 10; }

// IANA DTLS-SRTP protection profile ids (RFC 5764 §4.1.2, RFC 7714 §14.2).
constexpr uint16_t dtlsProfileId(SrtpProfile p) noexcept {
  return p == SrtpProfile::kAeadAes128Gcm ? 0x0007 : 0x0001;
}
// OpenSSL's name for the profile (SSL_CTX_set_tlsext_use_srtp).
constexpr std::string_view opensslProfileName(SrtpProfile p) noexcept {
  return p == SrtpProfile::kAeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
}
constexpr std::string_view profileName(SrtpProfile p) noexcept {
  return p == SrtpProfile::kAeadAes128Gcm ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80";
}

}  // namespace rtcgate::crypto
