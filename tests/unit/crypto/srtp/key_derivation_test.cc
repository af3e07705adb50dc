#include "crypto/srtp/key_derivation.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/hex.h"
#include "crypto/srtp/aes_ctr.h"

namespace rtcgate::crypto::srtp {
namespace {

std::vector<uint8_t> hex(const char* s) {
  return fromHex(s);
}

// RFC 3711 Appendix B.2: AES-CM keystream for session key/salt with SSRC 0, ROC 0, SEQ 0.
TEST(AesCtrTest, Rfc3711AppendixB2Keystream) {
  auto cipher = AesCtr::create(hex("2B7E151628AED2A6ABF7158809CF4F3C"));
  ASSERT_TRUE(cipher.ok());
  const auto iv = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
  std::vector<uint8_t> stream(16 * 0xff02, 0);
  ASSERT_TRUE(cipher->apply(iv.data(), stream.data(), stream.size()));
  auto block = [&](size_t n) {
    return toHex(std::span<const uint8_t>(stream).subspan(16 * n, 16), '\0', true);
  };
  EXPECT_EQ(block(0x0000), "E03EAD0935C95E80E166B16DD92B4EB4");
  EXPECT_EQ(block(0x0001), "D23513162B02D0F72A43A2FE4A5F97AB");
  EXPECT_EQ(block(0x0002), "41E95B3BB0A2E8DD477901E4FCA894C0");
  EXPECT_EQ(block(0xfeff), "EC8CDF7398607CB0F2D21675EA9EA1E4");
  EXPECT_EQ(block(0xff00), "362B7C3C6773516318A077D7FC5073AE");
  EXPECT_EQ(block(0xff01), "6A2CC3787889374FBEB4C81B17BA6C44");
}

TEST(AesCtrTest, IvIsResetPerCall) {
  auto cipher = AesCtr::create(hex("2B7E151628AED2A6ABF7158809CF4F3C"));
  ASSERT_TRUE(cipher.ok());
  const auto iv = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
  std::vector<uint8_t> a(40, 0);
  std::vector<uint8_t> b(40, 0);
  ASSERT_TRUE(cipher->apply(iv.data(), a.data(), 7));  // leaves a partial block behind
  ASSERT_TRUE(cipher->apply(iv.data(), b.data(), b.size()));
  EXPECT_EQ(toHex(std::span<const uint8_t>(b).first(16), '\0', true), "E03EAD0935C95E80E166B16DD92B4EB4");
}

TEST(AesCtrTest, RejectsWrongKeyLength) {
  EXPECT_FALSE(AesCtr::create(hex("0011")).ok());
}

// RFC 3711 Appendix B.3: key derivation with kdr = 0.
TEST(KeyDerivationTest, Rfc3711AppendixB3) {
  const auto key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const auto salt = hex("0EC675AD498AFEEBB6960B3AABE6");
  std::vector<uint8_t> out(16);
  ASSERT_TRUE(deriveKey(key, salt, KdfLabel::kRtpEncryption, out).ok());
  EXPECT_EQ(toHex(out, '\0', true), "C61E7A93744F39EE10734AFE3FF7A087");
  out.resize(14);
  ASSERT_TRUE(deriveKey(key, salt, KdfLabel::kRtpSalt, out).ok());
  EXPECT_EQ(toHex(out, '\0', true), "30CBBC08863D8C85D49DB34A9AE1");
  out.resize(94);  // the RFC lists 94 bytes of auth-key keystream
  ASSERT_TRUE(deriveKey(key, salt, KdfLabel::kRtpAuth, out).ok());
  EXPECT_EQ(toHex(out, '\0', true),
            "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
            "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
            "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2");
}

TEST(KeyDerivationTest, SessionKeysForBothProfiles) {
  const auto key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  auto cm = deriveSessionKeys(SrtpProfile::kAes128CmHmacSha1_80, key, hex("0EC675AD498AFEEBB6960B3AABE6"));
  ASSERT_TRUE(cm.ok());
  EXPECT_EQ(toHex(cm->rtp.encryptionKey, '\0', true), "C61E7A93744F39EE10734AFE3FF7A087");
  EXPECT_EQ(toHex(cm->rtp.authKey, '\0', true), "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
  EXPECT_EQ(cm->rtp.saltLength, 14u);
  EXPECT_NE(cm->rtp.encryptionKey, cm->rtcp.encryptionKey);  // labels 3..5 differ from 0..2

  auto gcm = deriveSessionKeys(SrtpProfile::kAeadAes128Gcm, key, hex("0EC675AD498AFEEBB6960B3A"));
  ASSERT_TRUE(gcm.ok());
  EXPECT_EQ(gcm->rtp.saltLength, 12u);
  // A 12-byte salt is the 14-byte one with two trailing zero bytes.
  std::vector<uint8_t> padded(16);
  ASSERT_TRUE(deriveKey(key, hex("0EC675AD498AFEEBB6960B3A0000"), KdfLabel::kRtpEncryption, padded).ok());
  EXPECT_EQ(toHex(gcm->rtp.encryptionKey), toHex(std::span<const uint8_t>(padded).first(16)));
}

TEST(KeyDerivationTest, RejectsWrongLengths) {
  const auto key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  EXPECT_FALSE(deriveSessionKeys(SrtpProfile::kAeadAes128Gcm, key, hex("0EC675AD498AFEEBB6960B3AABE6")).ok());
  EXPECT_FALSE(
      deriveSessionKeys(SrtpProfile::kAes128CmHmacSha1_80, hex("E1F9"), hex("0EC675AD498AFEEBB6960B3AABE6"))
          .ok());
}

}  // namespace
}  // namespace rtcgate::crypto::srtp
