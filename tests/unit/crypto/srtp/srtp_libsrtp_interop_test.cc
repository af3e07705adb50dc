// Interop with libsrtp2 as an oracle: what one side protects, the other unprotects, for both
// profiles, RTP and RTCP, across a sequence-number rollover with reordering.
#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <cstring>
#include <vector>

#include "base/hex.h"
#include "crypto/srtp/srtp_session.h"
#include "unit/crypto/srtp/srtp_test_packets.h"

namespace rtcgate::crypto::srtp {
namespace {

using test::makeRtcp;
using test::makeRtp;

// One libsrtp2 session for any SSRC in one direction.
class LibSrtp {
 public:
  LibSrtp(SrtpProfile profile, const std::vector<uint8_t>& keyAndSalt, bool outbound) {
    static const bool initialized = srtp_init() == srtp_err_status_ok;
    EXPECT_TRUE(initialized);
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    if (profile == SrtpProfile::kAeadAes128Gcm) {
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
      srtp_crypto_policy_set_rtp_default(&policy.rtp);
      srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
    }
    policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    key_ = keyAndSalt;
    policy.key = key_.data();
    policy.window_size = 128;
    EXPECT_EQ(srtp_create(&session_, &policy), srtp_err_status_ok);
  }
  ~LibSrtp() { srtp_dealloc(session_); }
  LibSrtp(const LibSrtp&) = delete;
  LibSrtp& operator=(const LibSrtp&) = delete;

  bool protect(std::vector<uint8_t>& p, bool rtcp) {
    int length = static_cast<int>(p.size());
    p.resize(p.size() + SRTP_MAX_TRAILER_LEN);
    const auto status =
        rtcp ? srtp_protect_rtcp(session_, p.data(), &length) : srtp_protect(session_, p.data(), &length);
    p.resize(static_cast<size_t>(length));
    return status == srtp_err_status_ok;
  }
  bool unprotect(std::vector<uint8_t>& p, bool rtcp) {
    int length = static_cast<int>(p.size());
    const auto status =
        rtcp ? srtp_unprotect_rtcp(session_, p.data(), &length) : srtp_unprotect(session_, p.data(), &length);
    p.resize(static_cast<size_t>(length));
    return status == srtp_err_status_ok;
  }

 private:
  std::vector<uint8_t> key_;
  srtp_t session_ = nullptr;
};

std::vector<uint8_t> keyAndSalt(SrtpProfile profile) {
  auto material = fromHex("E1F97A0D3E018BE0D64FA32C06DE41390EC675AD498AFEEBB6960B3AABE6");
  material.resize(masterKeyLength(profile) + masterSaltLength(profile));
  return material;
}

SrtpSession ours(SrtpProfile profile) {
  const auto material = keyAndSalt(profile);
  const std::span<const uint8_t> all(material);
  auto s = SrtpSession::create(profile, all.first(16), all.subspan(16));
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

bool oursProtect(SrtpSession& s, std::vector<uint8_t>& p, bool rtcp) {
  const size_t length = p.size();
  p.resize(length + SrtpSession::kMaxOverhead);
  auto r = rtcp ? s.protectRtcp(p, length) : s.protectRtp(p, length);
  if (!r) return false;
  p.resize(*r);
  return true;
}

bool oursUnprotect(SrtpSession& s, std::vector<uint8_t>& p, bool rtcp) {
  auto r = rtcp ? s.unprotectRtcp(p, p.size()) : s.unprotectRtp(p, p.size());
  if (!r) return false;
  p.resize(*r);
  return true;
}

// Plain RTP packets 65510..65535, 0..29 (ROC 0 -> 1), one with CSRC + extension, and
// an arrival order that swaps and delays packets around the wrap.
struct Stream {
  std::vector<std::vector<uint8_t>> packets;
  std::vector<size_t> order;
};

Stream rolloverStream() {
  Stream s;
  for (uint32_t i = 0; i < 56; ++i) {
    s.packets.push_back(makeRtp(static_cast<uint16_t>(65510 + i), 0xfeedbeef, 100 + i * 17));
  }
  auto& withExtension = s.packets[30];
  withExtension[0] = 0x91;  // X = 1, CC = 1
  const uint8_t insert[] = {0, 0, 0, 9, 0xbe, 0xde, 0, 1, 0x22, 1, 2, 3};
  withExtension.insert(withExtension.begin() + 12, std::begin(insert), std::end(insert));
  for (size_t i = 0; i < 24; ++i) s.order.push_back(i);
  s.order.insert(s.order.end(), {27, 24, 26, 29, 25, 28});  // 65534/65535/0/1 shuffled
  for (size_t i = 30; i < 56; ++i) s.order.push_back(i);
  return s;
}

class InteropTest : public ::testing::TestWithParam<SrtpProfile> {};
INSTANTIATE_TEST_SUITE_P(Profiles, InteropTest,
                         ::testing::Values(SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAes128CmHmacSha1_80),
                         [](const auto& info) {
                           return info.param == SrtpProfile::kAeadAes128Gcm ? "Gcm" : "CmSha1";
                         });

TEST_P(InteropTest, OursToLibsrtpRtpAcrossRollover) {
  auto tx = ours(GetParam());
  LibSrtp rx(GetParam(), keyAndSalt(GetParam()), false);
  const auto stream = rolloverStream();
  std::vector<std::vector<uint8_t>> wire = stream.packets;
  for (auto& p : wire) ASSERT_TRUE(oursProtect(tx, p, false));
  for (size_t i : stream.order) {
    auto p = wire[i];
    ASSERT_TRUE(rx.unprotect(p, false)) << "packet " << i;
    EXPECT_EQ(p, stream.packets[i]) << "packet " << i;
  }
}

TEST_P(InteropTest, LibsrtpToOursRtpAcrossRollover) {
  LibSrtp tx(GetParam(), keyAndSalt(GetParam()), true);
  auto rx = ours(GetParam());
  const auto stream = rolloverStream();
  std::vector<std::vector<uint8_t>> wire = stream.packets;
  for (auto& p : wire) ASSERT_TRUE(tx.protect(p, false));
  for (size_t i : stream.order) {
    auto p = wire[i];
    ASSERT_TRUE(oursUnprotect(rx, p, false)) << "packet " << i;
    EXPECT_EQ(p, stream.packets[i]) << "packet " << i;
  }
  auto replay = wire[40];
  EXPECT_EQ(rx.unprotectRtp(replay, replay.size()).error().code, Error::Code::kReplay);
}

TEST_P(InteropTest, RtcpBothWays) {
  auto oursTx = ours(GetParam());
  auto oursRx = ours(GetParam());
  LibSrtp libTx(GetParam(), keyAndSalt(GetParam()), true);
  LibSrtp libRx(GetParam(), keyAndSalt(GetParam()), false);
  for (size_t i = 0; i < 20; ++i) {
    const auto plain = makeRtcp(0x0badcafe, i % 4);
    auto a = plain;
    ASSERT_TRUE(oursProtect(oursTx, a, true));
    ASSERT_TRUE(libRx.unprotect(a, true)) << i;
    EXPECT_EQ(a, plain);
    auto b = plain;
    ASSERT_TRUE(libTx.protect(b, true));
    ASSERT_TRUE(oursUnprotect(oursRx, b, true)) << i;
    EXPECT_EQ(b, plain);
  }
}

// Identical keys and inputs give identical bytes: the strongest check that the wire format matches.
TEST_P(InteropTest, ByteIdenticalOutput) {
  auto oursTx = ours(GetParam());
  LibSrtp libTx(GetParam(), keyAndSalt(GetParam()), true);
  for (uint16_t seq : {65534, 65535, 0, 1}) {
    auto a = makeRtp(seq, 1234, 300);
    auto b = a;
    ASSERT_TRUE(oursProtect(oursTx, a, false));
    ASSERT_TRUE(libTx.protect(b, false));
    EXPECT_EQ(toHex(a), toHex(b)) << seq;
  }
}

}  // namespace
}  // namespace rtcgate::crypto::srtp
