// SRTP/SRTCP per-packet cost: rtcgate's OpenSSL EVP implementation next to libsrtp2, for a
// 1200-byte RTP packet (12-byte header + 1188 payload) and an 84-byte RTCP packet.
//
// Protect runs in place on one buffer and bumps the sequence number every iteration, so the
// ROC/index logic runs as in production (the payload is re-encrypted ciphertext, which costs
// the same). Unprotect needs a genuine packet each time: a ring of packets is protected up
// front and each iteration copies one into the work buffer first. BM_SrtpRingCopy measures
// that copy alone, so it can be subtracted from the unprotect figures.
#include <benchmark/benchmark.h>
#include <srtp2/srtp.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/byte_reader.h"
#include "crypto/srtp/srtp_session.h"

namespace {

using rtcgate::crypto::SrtpProfile;
using rtcgate::crypto::srtp::SrtpSession;

constexpr size_t kRtpLength = 1200;
constexpr size_t kRtcpLength = 84;
constexpr size_t kBufferLength = 1500;
constexpr size_t kRing = 1024;  // 1.2 MB of protected packets: beyond L2, like real traffic
constexpr uint8_t kMaterial[30] = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f,
                                   0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39, 0x0e, 0xc6, 0x75, 0xad,
                                   0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6};

std::vector<uint8_t> rtpPacket(uint16_t seq) {
  std::vector<uint8_t> p(kBufferLength, 0);
  p[0] = 0x80;
  p[1] = 96;
  rtcgate::storeU16(&p[2], seq);
  rtcgate::storeU32(&p[4], 0x01020304);
  rtcgate::storeU32(&p[8], 0xdeadbeef);
  for (size_t i = 12; i < kRtpLength; ++i) p[i] = static_cast<uint8_t>(i);
  return p;
}

std::vector<uint8_t> rtcpPacket() {
  std::vector<uint8_t> p(kBufferLength, 0);
  p[0] = 0x81;
  p[1] = 200;  // sender report with 3 report blocks: 7 + 3 * 6 = 25 words... trimmed to 84 bytes
  rtcgate::storeU16(&p[2], kRtcpLength / 4 - 1);
  rtcgate::storeU32(&p[4], 0xdeadbeef);
  return p;
}

std::unique_ptr<SrtpSession> ours(SrtpProfile profile) {
  auto s = SrtpSession::create(profile, std::span(kMaterial, 16),
                               std::span(kMaterial + 16, rtcgate::crypto::masterSaltLength(profile)));
  if (!s) std::abort();
  return std::make_unique<SrtpSession>(std::move(s).value());
}

// One libsrtp2 session for any SSRC.
struct LibSrtp {
  LibSrtp(SrtpProfile profile, bool outbound) {
    static const bool initialized = srtp_init() == srtp_err_status_ok;
    if (!initialized) std::abort();
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
    std::memcpy(key, kMaterial, sizeof kMaterial);
    policy.key = key;
    policy.window_size = 128;
    if (srtp_create(&session, &policy) != srtp_err_status_ok) std::abort();
  }
  ~LibSrtp() { srtp_dealloc(session); }
  uint8_t key[30];
  srtp_t session = nullptr;
};

void protectOurs(benchmark::State& state, SrtpProfile profile) {
  auto s = ours(profile);
  auto buffer = rtpPacket(0);
  uint16_t seq = 0;
  for (auto _ : state) {
    rtcgate::storeU16(&buffer[2], seq++);
    auto r = s->protectRtp(buffer, kRtpLength);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kRtpLength));
}

void protectLibsrtp(benchmark::State& state, SrtpProfile profile) {
  LibSrtp s(profile, true);
  auto buffer = rtpPacket(0);
  uint16_t seq = 0;
  for (auto _ : state) {
    rtcgate::storeU16(&buffer[2], seq++);
    int length = kRtpLength;
    auto r = srtp_protect(s.session, buffer.data(), &length);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kRtpLength));
}

// A ring of consecutive protected packets (seq 1..kRing) and their lengths.
struct Ring {
  std::vector<std::vector<uint8_t>> packets;
  size_t length = 0;
};

Ring ourRing(SrtpProfile profile) {
  Ring ring;
  auto tx = ours(profile);
  for (size_t i = 0; i < kRing; ++i) {
    auto p = rtpPacket(static_cast<uint16_t>(i + 1));
    ring.length = tx->protectRtp(p, kRtpLength).value();
    ring.packets.push_back(std::move(p));
  }
  return ring;
}

// The receiver is recreated (untimed) at each pass over the ring, since a second pass would be replays.
void unprotectOurs(benchmark::State& state, SrtpProfile profile) {
  const Ring ring = ourRing(profile);
  std::vector<uint8_t> work(kBufferLength);
  auto rx = ours(profile);
  size_t i = 0;
  for (auto _ : state) {
    if (i == kRing) {
      state.PauseTiming();
      rx = ours(profile);
      i = 0;
      state.ResumeTiming();
    }
    std::memcpy(work.data(), ring.packets[i++].data(), ring.length);
    auto r = rx->unprotectRtp(work, ring.length);
    if (!r) state.SkipWithError("unprotect failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kRtpLength));
}

void unprotectLibsrtp(benchmark::State& state, SrtpProfile profile) {
  const Ring ring = ourRing(profile);  // same wire bytes: the two implementations interoperate
  std::vector<uint8_t> work(kBufferLength);
  auto rx = std::make_unique<LibSrtp>(profile, false);
  size_t i = 0;
  for (auto _ : state) {
    if (i == kRing) {
      state.PauseTiming();
      rx = std::make_unique<LibSrtp>(profile, false);
      i = 0;
      state.ResumeTiming();
    }
    std::memcpy(work.data(), ring.packets[i++].data(), ring.length);
    int length = static_cast<int>(ring.length);
    auto r = srtp_unprotect(rx->session, work.data(), &length);
    if (r != srtp_err_status_ok) state.SkipWithError("srtp_unprotect failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kRtpLength));
}

// The copy the unprotect benchmarks include, alone (same ring walk, same sizes).
void ringCopy(benchmark::State& state) {
  const Ring ring = ourRing(SrtpProfile::kAeadAes128Gcm);
  std::vector<uint8_t> work(kBufferLength);
  size_t i = 0;
  for (auto _ : state) {
    if (i == kRing) i = 0;
    std::memcpy(work.data(), ring.packets[i++].data(), ring.length);
    benchmark::ClobberMemory();
  }
}

void protectRtcpOurs(benchmark::State& state, SrtpProfile profile) {
  auto s = ours(profile);
  auto buffer = rtcpPacket();
  for (auto _ : state) {
    auto r = s->protectRtcp(buffer, kRtcpLength);
    benchmark::DoNotOptimize(r);
  }
}

void protectRtcpLibsrtp(benchmark::State& state, SrtpProfile profile) {
  LibSrtp s(profile, true);
  auto buffer = rtcpPacket();
  for (auto _ : state) {
    int length = kRtcpLength;
    auto r = srtp_protect_rtcp(s.session, buffer.data(), &length);
    benchmark::DoNotOptimize(r);
  }
}

const bool registered = [] {
  for (auto [profile, tag] : {std::pair{SrtpProfile::kAeadAes128Gcm, "gcm"},
                              std::pair{SrtpProfile::kAes128CmHmacSha1_80, "sha1_80"}}) {
    const std::string t = tag;
    benchmark::RegisterBenchmark(("BM_SrtpProtect/ours/" + t).c_str(), protectOurs, profile);
    benchmark::RegisterBenchmark(("BM_SrtpProtect/libsrtp/" + t).c_str(), protectLibsrtp, profile);
    benchmark::RegisterBenchmark(("BM_SrtpUnprotect/ours/" + t).c_str(), unprotectOurs, profile);
    benchmark::RegisterBenchmark(("BM_SrtpUnprotect/libsrtp/" + t).c_str(), unprotectLibsrtp, profile);
    benchmark::RegisterBenchmark(("BM_SrtcpProtect/ours/" + t).c_str(), protectRtcpOurs, profile);
    benchmark::RegisterBenchmark(("BM_SrtcpProtect/libsrtp/" + t).c_str(), protectRtcpLibsrtp, profile);
  }
  benchmark::RegisterBenchmark("BM_SrtpRingCopy/1216", ringCopy);
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
