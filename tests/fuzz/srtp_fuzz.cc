// Fuzzes SrtpSession with a fixed key, both profiles. The first input byte picks the case:
//   bit 0-1: 0 unprotect as SRTP, 1 unprotect as SRTCP,
//            2 protect as RTP then unprotect, 3 protect as RTCP then unprotect
//   bit 2:   profile (0 AEAD_AES_128_GCM, 1 AES_CM_128_HMAC_SHA1_80)
// The rest is the packet. Raw unprotect must fail cleanly; whatever protect accepts must come
// back unchanged through unprotect.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "crypto/srtp/srtp_session.h"

namespace {

using rtcgate::crypto::SrtpProfile;
using rtcgate::crypto::srtp::SrtpSession;

constexpr uint8_t kMaterial[30] = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f,
                                   0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39, 0x0e, 0xc6, 0x75, 0xad,
                                   0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6};

SrtpSession makeSession(SrtpProfile profile) {
  auto s = SrtpSession::create(profile, std::span(kMaterial, 16),
                               std::span(kMaterial + 16, rtcgate::crypto::masterSaltLength(profile)), 4);
  if (!s) std::abort();
  return std::move(s).value();
}

void roundTrip(SrtpProfile profile, bool rtcp, const uint8_t* data, size_t size) {
  auto tx = makeSession(profile);
  auto rx = makeSession(profile);
  std::vector<uint8_t> buffer(data, data + size);
  buffer.resize(size + SrtpSession::kMaxOverhead);
  auto out = rtcp ? tx.protectRtcp(buffer, size) : tx.protectRtp(buffer, size);
  if (!out) return;
  auto in = rtcp ? rx.unprotectRtcp(buffer, *out) : rx.unprotectRtp(buffer, *out);
  if (!in || *in != size || std::memcmp(buffer.data(), data, size) != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const auto profile = (mode & 4) ? SrtpProfile::kAes128CmHmacSha1_80 : SrtpProfile::kAeadAes128Gcm;
  ++data;
  --size;
  if ((mode & 3) >= 2) {
    roundTrip(profile, (mode & 3) == 3, data, size);
    return 0;
  }
  auto rx = makeSession(profile);
  // Exact-size buffer, so ASan catches any read or write past the packet.
  std::vector<uint8_t> buffer(data, data + size);
  auto r = (mode & 3) == 0 ? rx.unprotectRtp(buffer, size) : rx.unprotectRtcp(buffer, size);
  if (r && *r > size) std::abort();
  return 0;
}
