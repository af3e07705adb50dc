#include "crypto/srtp/key_derivation.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "crypto/srtp/aes_ctr.h"

namespace rtcgate::crypto::srtp {
namespace {

constexpr size_t kPrfSaltLength = 14;  // the 112-bit x of RFC 3711 §4.3.1

Status deriveDirection(std::span<const uint8_t> masterKey, std::span<const uint8_t> masterSalt,
                       SrtpProfile profile, KdfLabel encLabel, SessionKeys& keys) noexcept {
  const auto base = static_cast<uint8_t>(encLabel);
  keys.saltLength = masterSaltLength(profile);
  RTCGATE_TRY(deriveKey(masterKey, masterSalt, encLabel, keys.encryptionKey));
  RTCGATE_TRY(deriveKey(masterKey, masterSalt, static_cast<KdfLabel>(base + 2),
                        std::span<uint8_t>(keys.salt).first(keys.saltLength)));
  if (profile == SrtpProfile::kAes128CmHmacSha1_80) {
    RTCGATE_TRY(deriveKey(masterKey, masterSalt, static_cast<KdfLabel>(base + 1), keys.authKey));
  }
  return {};
}

}  // namespace

Status deriveKey(std::span<const uint8_t> masterKey, std::span<const uint8_t> masterSalt, KdfLabel label,
                 std::span<uint8_t> out) noexcept {
  if (masterSalt.size() > kPrfSaltLength) return Error::malformed("master salt longer than 14 bytes");
  auto prf = AesCtr::create(masterKey);
  if (!prf) return prf.error();
  // key_id = label || r with r = 0 (kdr 0) is 7 bytes right-aligned in the 14-byte x, so
  // the label lands on byte 7; the trailing two zero bytes are the "* 2^16" block counter.
  std::array<uint8_t, AesCtr::kIvLength> iv{};
  std::copy(masterSalt.begin(), masterSalt.end(), iv.begin());
  iv[7] ^= static_cast<uint8_t>(label);
  std::fill(out.begin(), out.end(), uint8_t{0});
  if (!prf->apply(iv.data(), out.data(), out.size())) {
    return Error{Error::Code::kInternal, "AES-CM PRF failed"};
  }
  return {};
}

Result<DerivedKeys> deriveSessionKeys(SrtpProfile profile, std::span<const uint8_t> masterKey,
                                      std::span<const uint8_t> masterSalt) noexcept {
  if (masterKey.size() != masterKeyLength(profile)) return Error::malformed("wrong SRTP master key length");
  if (masterSalt.size() != masterSaltLength(profile)) {
    return Error::malformed("wrong SRTP master salt length");
  }
  DerivedKeys keys;
  RTCGATE_TRY(deriveDirection(masterKey, masterSalt, profile, KdfLabel::kRtpEncryption, keys.rtp));
  RTCGATE_TRY(deriveDirection(masterKey, masterSalt, profile, KdfLabel::kRtcpEncryption, keys.rtcp));
  return keys;
}

}  // namespace rtcgate::crypto::srtp
