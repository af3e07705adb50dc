// Proves the packet path allocates nothing, OpenSSL included: malloc/calloc/realloc are
// interposed in this test binary and counted while packets are processed.
#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "base/hex.h"
#include "crypto/srtp/srtp_session.h"
#include "unit/crypto/srtp/srtp_test_packets.h"

#if defined(__SANITIZE_ADDRESS__)
#define RTCGATE_COUNT_MALLOC 0  // ASan owns malloc; interposing it there would fight the runtime
#else
#define RTCGATE_COUNT_MALLOC 1
#endif

#if RTCGATE_COUNT_MALLOC
namespace {
bool gCounting = false;
size_t gAllocations = 0;
}  // namespace

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* malloc(size_t n) {
  if (gCounting) ++gAllocations;
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t size) {
  if (gCounting) ++gAllocations;
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) {
  if (gCounting) ++gAllocations;
  return __libc_realloc(p, n);
}
}
#endif

namespace rtcgate::crypto::srtp {
namespace {

TEST(SrtpNoAllocTest, PacketPathDoesNotAllocate) {
#if !RTCGATE_COUNT_MALLOC
  GTEST_SKIP() << "allocation counting is disabled under AddressSanitizer";
#else
  for (auto profile : {SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAes128CmHmacSha1_80}) {
    auto salt = fromHex("0EC675AD498AFEEBB6960B3AABE6");
    salt.resize(masterSaltLength(profile));
    const auto key = fromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
    auto tx = SrtpSession::create(profile, key, salt);
    auto rx = SrtpSession::create(profile, key, salt);
    ASSERT_TRUE(tx.ok() && rx.ok());
    // Buffers are made up front; only the SRTP calls run while counting.
    std::vector<std::vector<uint8_t> > rtp;
    std::vector<std::vector<uint8_t> > rtcp;
    for (uint16_t i = 0; i < 50; ++i) {
      rtp.push_back(test::makeRtp(static_cast<uint16_t>(65520 + i), 1 + i % 3, 1188));
      rtp.back().resize(rtp.back().size() + SrtpSession::kMaxOverhead);
      rtcp.push_back(test::makeRtcp(1 + i % 3, 4));
      rtcp.back().resize(rtcp.back().size() + SrtpSession::kMaxOverhead);
    }
    const size_t rtpLength = 1200;
    const size_t rtcpLength = rtcp[0].size() - SrtpSession::kMaxOverhead;
    gAllocations = 0;
    gCounting = true;
    size_t ok = 0;
    for (size_t i = 0; i < rtp.size(); ++i) {
      auto p = tx->protectRtp(rtp[i], rtpLength);
      auto c = tx->protectRtcp(rtcp[i], rtcpLength);
      if (!p || !c) break;
      ok += rx->unprotectRtp(rtp[i], *p).ok();
      ok += rx->unprotectRtcp(rtcp[i], *c).ok();
      ok += !rx->unprotectRtp(rtp[i], *p).ok();  // now garbage or a replay: rejected
      ok += !rx->unprotectRtcp(rtcp[i], *c).ok();
    }
    gCounting = false;
    EXPECT_EQ(ok, 4 * rtp.size());
    EXPECT_EQ(gAllocations, 0u) << profileName(profile);
  }
#endif
}

}  // namespace
}  // namespace rtcgate::crypto::srtp
