#include "crypto/srtp/srtp_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/hex.h"
#include "unit/crypto/srtp/srtp_test_packets.h"

namespace rtcgate::crypto::srtp {
namespace {

using test::makeRtcp;
using test::makeRtp;
using Code = Error::Code;

constexpr SrtpProfile kProfiles[] = {SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAes128CmHmacSha1_80};

std::vector<uint8_t> masterKey() {
  return fromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
}
std::vector<uint8_t> masterSalt(SrtpProfile p) {
  auto salt = fromHex("0EC675AD498AFEEBB6960B3AABE6");
  salt.resize(masterSaltLength(p));
  return salt;
}

SrtpSession makeSession(SrtpProfile p, size_t maxSsrcs = SrtpSession::kDefaultMaxSsrcs) {
  auto s = SrtpSession::create(p, masterKey(), masterSalt(p), maxSsrcs);
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

// Session keys of the RFC 7714 §16-17 examples, used for both SRTP and SRTCP.
SrtpSession rfc7714Session() {
  DerivedKeys keys;
  const auto key = fromHex("000102030405060708090a0b0c0d0e0f");
  const auto salt = fromHex("517569642070726f2071756f");
  for (SessionKeys* k : {&keys.rtp, &keys.rtcp}) {
    std::copy(key.begin(), key.end(), k->encryptionKey.begin());
    std::copy(salt.begin(), salt.end(), k->salt.begin());
    k->saltLength = salt.size();
  }
  auto s = SrtpSession::createWithSessionKeys(SrtpProfile::kAeadAes128Gcm, keys);
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

constexpr const char* kRfc7714Rtp =
    "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
constexpr const char* kRfc7714Srtp =
    "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf"
    "8833899d7f27beb16a9152cf765ee4390cce";
constexpr const char* kRfc7714Rtcp =
    "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbee"
    "f";

// RFC 7714 §16.1.1: SSRC 0x5501a0b2, ROC 0, SEQ 0xf17b.
TEST(SrtpSessionTest, Rfc7714Section16ProtectAndUnprotect) {
  auto sender = rfc7714Session();
  auto packet = fromHex(kRfc7714Rtp);
  const size_t length = packet.size();
  packet.resize(length + 16);
  auto out = sender.protectRtp(packet, length);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(toHex(std::span<const uint8_t>(packet).first(*out)), kRfc7714Srtp);

  auto receiver = rfc7714Session();
  auto in = receiver.unprotectRtp(packet, *out);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(toHex(std::span<const uint8_t>(packet).first(*in)), kRfc7714Rtp);
}

// RFC 7714 §17.1 (encrypted) and §17.3 (authenticated only, E = 0); SRTCP index 0x5d4.
TEST(SrtpSessionTest, Rfc7714Section17Unprotect) {
  for (const char* vector :
       {"81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0b"
        "b9275bc84aa45896cf4d2fc5abf87245d9eade800005d4",
        "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefde"
        "adbeef841dd9683dd78ec92ae58790125f62b3000005d4"}) {
    auto receiver = rfc7714Session();
    auto packet = fromHex(vector);
    auto in = receiver.unprotectRtcp(packet, packet.size());
    ASSERT_TRUE(in.ok()) << vector;
    EXPECT_EQ(toHex(std::span<const uint8_t>(packet).first(*in)), kRfc7714Rtcp);
  }
}

class SrtpProfileTest : public ::testing::TestWithParam<SrtpProfile> {};
INSTANTIATE_TEST_SUITE_P(Profiles, SrtpProfileTest, ::testing::ValuesIn(kProfiles), [](const auto& info) {
  return std::string(profileName(info.param)) == "AEAD_AES_128_GCM" ? "Gcm" : "CmSha1";
});

Result<size_t> protect(SrtpSession& s, std::vector<uint8_t>& packet, bool rtcp = false) {
  const size_t length = packet.size();
  packet.resize(length + SrtpSession::kMaxOverhead);
  auto out = rtcp ? s.protectRtcp(packet, length) : s.protectRtp(packet, length);
  packet.resize(out.ok() ? *out : length);
  return out;
}

Result<size_t> unprotect(SrtpSession& s, std::vector<uint8_t> packet, bool rtcp = false) {
  return rtcp ? s.unprotectRtcp(packet, packet.size()) : s.unprotectRtp(packet, packet.size());
}

TEST_P(SrtpProfileTest, RtpRoundTripKeepsHeaderClear) {
  auto tx = makeSession(GetParam());
  auto rx = makeSession(GetParam());
  for (uint16_t seq = 100; seq < 110; ++seq) {
    const auto plain = makeRtp(seq, 0x11223344, seq % 3 == 0 ? 0 : 200);
    auto packet = plain;
    ASSERT_TRUE(protect(tx, packet).ok());
    EXPECT_EQ(packet.size(), plain.size() + tx.rtpOverhead());
    EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 12, packet.begin()));
    if (plain.size() > 12) {
      EXPECT_FALSE(std::equal(plain.begin() + 12, plain.end(), packet.begin() + 12));
    }
    auto in = rx.unprotectRtp(packet, packet.size());
    ASSERT_TRUE(in.ok()) << seq;
    packet.resize(*in);
    EXPECT_EQ(packet, plain);
  }
}

TEST_P(SrtpProfileTest, CsrcsAndExtensionAreAuthenticatedNotEncrypted) {
  auto tx = makeSession(GetParam());
  auto rx = makeSession(GetParam());
  // CC = 2, X = 1 with a one-word extension: header is 12 + 8 + 4 + 4 = 28 bytes.
  std::vector<uint8_t> plain = makeRtp(7, 0xabcdef01, 0);
  plain[0] = 0x92;
  const uint8_t tail[] = {0,    0,    0, 1, 0,   0,   0,   2,   0xbe, 0xde, 0,  1,
                          0x10, 0xaa, 0, 0, 'p', 'a', 'y', 'l', 'o',  'a',  'd'};
  plain.insert(plain.end(), std::begin(tail), std::end(tail));
  auto packet = plain;
  ASSERT_TRUE(protect(tx, packet).ok());
  EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 28, packet.begin()));
  EXPECT_FALSE(std::equal(plain.begin() + 28, plain.end(), packet.begin() + 28));
  auto tampered = packet;
  tampered[26] ^= 1;  // inside the extension
  EXPECT_EQ(unprotect(rx, tampered).error().code, Code::kAuthFailed);
  auto in = rx.unprotectRtp(packet, packet.size());
  ASSERT_TRUE(in.ok());
  packet.resize(*in);
  EXPECT_EQ(packet, plain);
}

TEST_P(SrtpProfileTest, RtcpRoundTrip) {
  auto tx = makeSession(GetParam());
  auto rx = makeSession(GetParam());
  for (size_t i = 0; i < 5; ++i) {
    const auto plain = makeRtcp(0x55667788, i);
    auto packet = plain;
    ASSERT_TRUE(protect(tx, packet, true).ok());
    EXPECT_EQ(packet.size(), plain.size() + tx.rtcpOverhead());
    EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 8, packet.begin()));
    auto in = rx.unprotectRtcp(packet, packet.size());
    ASSERT_TRUE(in.ok());
    packet.resize(*in);
    EXPECT_EQ(packet, plain);
  }
}

TEST_P(SrtpProfileTest, TamperedPacketsFailAuthentication) {
  auto tx = makeSession(GetParam());
  auto rx = makeSession(GetParam());
  auto rtp = makeRtp(1, 42);
  auto rtcp = makeRtcp(42);
  ASSERT_TRUE(protect(tx, rtp).ok());
  ASSERT_TRUE(protect(tx, rtcp, true).ok());
  for (size_t i = 0; i < rtp.size(); ++i) {
    auto bad = rtp;
    bad[i] ^= 0x20;
    auto r = unprotect(rx, bad);
    ASSERT_FALSE(r.ok()) << i;
    // Flipping a header bit may make it unparseable or a different SSRC; the rest is auth.
    if (i >= 12) {
      EXPECT_EQ(r.error().code, Code::kAuthFailed) << i;
    }
  }
  for (size_t i = 8; i < rtcp.size(); ++i) {
    auto bad = rtcp;
    bad[i] ^= 0x01;
    auto r = unprotect(rx, bad, true);
    ASSERT_FALSE(r.ok()) << i;
  }
  // Failed packets did not move the windows: the genuine ones still pass.
  EXPECT_TRUE(unprotect(rx, rtp).ok());
  EXPECT_TRUE(unprotect(rx, rtcp, true).ok());
  auto wrongKey =
      SrtpSession::create(GetParam(), fromHex("00000000000000000000000000000000"), masterSalt(GetParam()));
  ASSERT_TRUE(wrongKey.ok());
  EXPECT_EQ(unprotect(*wrongKey, rtp).error().code, Code::kAuthFailed);
}

TEST_P(SrtpProfileTest, ReplayedAndTooOldPacketsAreRejected) {
  auto tx = makeSession(GetParam());
  auto rx = makeSession(GetParam());
  std::vector<std::vector<uint8_t>> sent;
  for (uint16_t seq = 1000; seq < 1100; ++seq) {
    sent.push_back(makeRtp(seq, 9));
    ASSERT_TRUE(protect(tx, sent.back()).ok());
  }
  EXPECT_TRUE(unprotect(rx, sent[50]).ok());
  EXPECT_EQ(unprotect(rx, sent[50]).error().code, Code::kReplay);
  EXPECT_TRUE(unprotect(rx, sent[99]).ok());
  EXPECT_TRUE(unprotect(rx, sent[99 - 63]).ok());  // oldest still inside the window
  EXPECT_EQ(unprotect(rx, sent[99 - 64]).error().code, Code::kReplay);
  EXPECT_EQ(unprotect(rx, sent[99]).error().code, Code::kReplay);

  std::vector<std::vector<uint8_t>> rtcp;
  for (int i = 0; i < 70; ++i) {
    rtcp.push_back(makeRtcp(9));
    ASSERT_TRUE(protect(tx, rtcp.back(), true).ok());
  }
  EXPECT_TRUE(unprotect(rx, rtcp[69], true).ok());
  EXPECT_EQ(unprotect(rx, rtcp[69], true).error().code, Code::kReplay);
  EXPECT_TRUE(unprotect(rx, rtcp[10], true).ok());
  EXPECT_EQ(unprotect(rx, rtcp[5], true).error().code, Code::kReplay);  // 64 behind
}

TEST_P(SrtpProfileTest, RolloverAcrossSequenceWrapWithReordering) {
  auto tx = makeSession(GetParam());
  auto rx = makeSession(GetParam());
  std::vector<std::vector<uint8_t>> sent;
  for (uint32_t i = 0; i < 40; ++i) {
    sent.push_back(makeRtp(static_cast<uint16_t>(65520 + i), 77));
    ASSERT_TRUE(protect(tx, sent.back()).ok());
  }
  // Arrival order: swap neighbours around the wrap, and deliver one pre-wrap packet late.
  std::vector<size_t> order;
  for (size_t i = 0; i < 14; ++i) order.push_back(i);
  order.insert(order.end(), {16, 14, 17, 18, 15});
  for (size_t i = 19; i < 40; ++i) order.push_back(i);
  for (size_t i : order) {
    auto r = unprotect(rx, sent[i]);
    EXPECT_TRUE(r.ok()) << "packet " << i;
  }
  // Sender's ROC is now 1: a fresh sender with ROC 0 produces a different packet for seq 3.
  auto fresh = makeSession(GetParam());
  auto again = makeRtp(3, 77);
  ASSERT_TRUE(protect(fresh, again).ok());
  EXPECT_NE(again, sent[19]);
}

TEST_P(SrtpProfileTest, TruncationAtEveryLengthNeverCrashes) {
  auto tx = makeSession(GetParam());
  auto rx = makeSession(GetParam());
  auto rtp = makeRtp(5, 1, 40);
  auto rtcp = makeRtcp(1, 2);
  ASSERT_TRUE(protect(tx, rtp).ok());
  ASSERT_TRUE(protect(tx, rtcp, true).ok());
  for (size_t n = 0; n < rtp.size(); ++n) {
    std::vector<uint8_t> cut(rtp.begin(), rtp.begin() + static_cast<long>(n));
    EXPECT_FALSE(unprotect(rx, cut).ok()) << n;
  }
  for (size_t n = 0; n < rtcp.size(); ++n) {
    std::vector<uint8_t> cut(rtcp.begin(), rtcp.begin() + static_cast<long>(n));
    EXPECT_FALSE(unprotect(rx, cut, true).ok()) << n;
  }
  EXPECT_EQ(unprotect(rx, {}).error().code, Code::kTruncated);
  EXPECT_TRUE(unprotect(rx, rtp).ok());
  EXPECT_TRUE(unprotect(rx, rtcp, true).ok());
}

TEST_P(SrtpProfileTest, MalformedInputsAndMissingTailRoom) {
  auto s = makeSession(GetParam());
  auto rtp = makeRtp(1, 1, 20);
  EXPECT_EQ(s.protectRtp(rtp, rtp.size()).error().code, Code::kNoSpace);
  auto rtcp = makeRtcp(1);
  EXPECT_EQ(s.protectRtcp(rtcp, rtcp.size()).error().code, Code::kNoSpace);
  EXPECT_EQ(s.protectRtp(rtp, rtp.size() + 1).error().code, Code::kMalformed);
  rtp[0] = 0x40;  // version 1
  rtp.resize(rtp.size() + 20);
  EXPECT_EQ(s.protectRtp(rtp, rtp.size() - 20).error().code, Code::kMalformed);
  EXPECT_EQ(s.unprotectRtp(rtp, rtp.size()).error().code, Code::kMalformed);
  auto ext = makeRtp(1, 1, 4);
  ext[0] = 0x90;  // extension bit, but the extension header claims 0x0707 words
  ext.resize(ext.size() + 20);
  EXPECT_EQ(s.protectRtp(ext, 16).error().code, Code::kTruncated);
}

TEST_P(SrtpProfileTest, SsrcTableIsCapped) {
  auto tx = makeSession(GetParam(), 2);
  auto rx = makeSession(GetParam(), 2);
  std::vector<std::vector<uint8_t>> packets;
  for (uint32_t ssrc = 1; ssrc <= 2; ++ssrc) {
    packets.push_back(makeRtp(1, ssrc));
    ASSERT_TRUE(protect(tx, packets.back()).ok());
    ASSERT_TRUE(unprotect(rx, packets.back()).ok());
  }
  auto third = makeRtp(1, 3);
  EXPECT_EQ(protect(tx, third).error().code, Code::kNoSpace);
  auto other = makeSession(GetParam());
  ASSERT_TRUE(protect(other, third).ok());
  EXPECT_EQ(unprotect(rx, third).error().code, Code::kNoSpace);
  // A forged packet for a new SSRC does not take a slot.
  auto rx2 = makeSession(GetParam(), 1);
  auto forged = third;
  forged.back() ^= 1;
  EXPECT_EQ(unprotect(rx2, forged).error().code, Code::kAuthFailed);
  EXPECT_TRUE(unprotect(rx2, third).ok());
}

// A room subscriber sends each new track on new SSRCs: a full table used to refuse every
// track after the first 64 that were ever sent, ended or not.
TEST_P(SrtpProfileTest, AForgottenSendSsrcFreesItsSlot) {
  auto tx = makeSession(GetParam(), 2);
  for (uint32_t ssrc = 1; ssrc <= 2; ++ssrc) {
    auto p = makeRtp(1, ssrc);
    ASSERT_TRUE(protect(tx, p).ok());
    auto c = makeRtcp(ssrc);
    ASSERT_TRUE(protect(tx, c, true).ok());
  }
  auto third = makeRtp(1, 3);
  EXPECT_EQ(protect(tx, third).error().code, Code::kNoSpace);
  auto thirdRtcp = makeRtcp(3);
  EXPECT_EQ(protect(tx, thirdRtcp, true).error().code, Code::kNoSpace);
  tx.forgetSendSsrc(1);
  tx.forgetSendSsrc(99);  // never sent: nothing happens
  third = makeRtp(1, 3);
  EXPECT_TRUE(protect(tx, third).ok());
  thirdRtcp = makeRtcp(3);
  EXPECT_TRUE(protect(tx, thirdRtcp, true).ok());
  auto again = makeRtp(2, 2);  // the one kept still protects
  EXPECT_TRUE(protect(tx, again).ok());
}

}  // namespace
}  // namespace rtcgate::crypto::srtp

namespace rtcgate::crypto::srtp {
namespace {

// The sender estimates the index like a receiver, so re-protecting an older sequence number
// after the wrap (a retransmission on the same SSRC) reuses its original ROC.
TEST(SrtpSessionSendTest, RetransmissionAfterWrapKeepsItsRoc) {
  for (auto profile : kProfiles) {
    auto tx = makeSession(profile);
    std::vector<uint8_t> first;
    for (uint16_t seq : {65534, 65535, 0, 1}) {
      auto p = makeRtp(seq, 3);
      ASSERT_TRUE(protect(tx, p).ok());
      if (seq == 65535) first = p;
    }
    auto again = makeRtp(65535, 3);
    ASSERT_TRUE(protect(tx, again).ok());
    EXPECT_EQ(again, first) << profileName(profile);
  }
}

// RFC 3711 §3.4: an SRTCP packet with E = 0 is authenticated but not encrypted.
TEST(SrtpSessionSendTest, UnencryptedSrtcpIsAcceptedWhenAuthentic) {
  const auto profile = SrtpProfile::kAes128CmHmacSha1_80;
  auto keys = deriveSessionKeys(profile, masterKey(), masterSalt(profile));
  ASSERT_TRUE(keys.ok());
  auto mac = HmacSha1::create(keys->rtcp.authKey);
  ASSERT_TRUE(mac.ok());
  const auto plain = makeRtcp(0x1234);
  auto packet = plain;
  const uint8_t word[4] = {0x00, 0x00, 0x00, 0x07};  // E = 0, index 7
  packet.insert(packet.end(), std::begin(word), std::end(word));
  uint8_t digest[HmacSha1::kDigestLength];
  mac->compute(packet, {}, digest);
  packet.insert(packet.end(), digest, digest + 10);
  auto rx = makeSession(profile);
  auto tampered = packet;
  tampered[12] ^= 1;
  EXPECT_EQ(unprotect(rx, tampered, true).error().code, Code::kAuthFailed);
  auto in = rx.unprotectRtcp(packet, packet.size());
  ASSERT_TRUE(in.ok());
  packet.resize(*in);
  EXPECT_EQ(packet, plain);
}

}  // namespace
}  // namespace rtcgate::crypto::srtp
