// SrtpSession's SRTCP half (RFC 3711 §3.4, RFC 7714 §9).
#include <openssl/crypto.h>

#include <cstring>

#include "base/byte_reader.h"
#include "crypto/srtp/srtp_session.h"

namespace rtcgate::crypto::srtp {
namespace {

constexpr size_t kRtcpHeader = 8;  // first header word + sender SSRC, always in the clear
constexpr uint32_t kEncryptedFlag = 0x80000000u;
constexpr uint32_t kMaxSrtcpIndex = 0x7fffffffu;

Status checkRtcpHeader(const uint8_t* p, size_t length) noexcept {
  if (length < kRtcpHeader) return Error::truncated("RTCP header");
  if ((p[0] >> 6) != 2) return Error::malformed("RTCP version is not 2");
  return {};
}

// AES-CM IV for SRTCP (RFC 3711 §4.1.1 with the 31-bit SRTCP index as i).
void cmRtcpIv(const PacketCipher& c, uint32_t ssrc, uint32_t index, uint8_t (&iv)[16]) noexcept {
  std::memcpy(iv, c.salt.data(), 14);
  iv[14] = iv[15] = 0;
  uint8_t mix[10] = {};
  storeU32(mix, ssrc);
  storeU32(mix + 6, index);
  for (size_t i = 0; i < 10; ++i) iv[4 + i] ^= mix[i];
}

// GCM IV for SRTCP (RFC 7714 §9.1): (0x0000 || SSRC || 0x0000 || 0 || index) XOR salt.
void gcmRtcpIv(const PacketCipher& c, uint32_t ssrc, uint32_t index, uint8_t (&iv)[12]) noexcept {
  uint8_t mix[12] = {};
  storeU32(mix + 2, ssrc);
  storeU32(mix + 8, index);
  for (size_t i = 0; i < 12; ++i) iv[i] = c.salt[i] ^ mix[i];
}

}  // namespace

// Always encrypts (E = 1). Layout: AES-CM  header | ciphertext | E+index | tag(10)
//                                  GCM     header | ciphertext | tag(16) | E+index
bool SrtpSession::sealRtcp(uint8_t* p, size_t length, uint32_t ssrc, uint32_t index) noexcept {
  uint8_t word[kSrtcpIndexLength];
  storeU32(word, kEncryptedFlag | index);
  if (gcm()) {
    uint8_t iv[12];
    gcmRtcpIv(rtcp_, ssrc, index, iv);
    if (!rtcp_.gcm->seal(iv, {p, kRtcpHeader}, word, p + kRtcpHeader, length - kRtcpHeader, p + length)) {
      return false;
    }
    std::memcpy(p + length + AesGcm::kTagLength, word, sizeof word);
    return true;
  }
  uint8_t iv[16];
  cmRtcpIv(rtcp_, ssrc, index, iv);
  if (!rtcp_.ctr->apply(iv, p + kRtcpHeader, length - kRtcpHeader)) return false;
  std::memcpy(p + length, word, sizeof word);
  uint8_t digest[HmacSha1::kDigestLength];
  rtcp_.mac->compute({p, length + sizeof word}, {}, digest);
  std::memcpy(p + length + sizeof word, digest, rtpTagLength(profile_));
  return true;
}

// `length` is the whole SRTCP packet. An E = 0 packet is authenticated only (RFC 3711 §3.4;
// RFC 7714 §9.2: then everything before the tag is AAD).
Status SrtpSession::openRtcp(uint8_t* p, size_t length, uint32_t ssrc, uint32_t indexWord) noexcept {
  const size_t tagLength = rtpTagLength(profile_);
  const bool encrypted = (indexWord & kEncryptedFlag) != 0;
  const uint32_t index = indexWord & kMaxSrtcpIndex;
  const size_t body = length - tagLength - kSrtcpIndexLength;  // header + payload
  if (gcm()) {
    uint8_t iv[12];
    gcmRtcpIv(rtcp_, ssrc, index, iv);
    const uint8_t* word = p + length - kSrtcpIndexLength;
    const uint8_t* tag = p + body;
    const bool ok = encrypted ? rtcp_.gcm->open(iv, {p, kRtcpHeader}, {word, kSrtcpIndexLength},
                                                p + kRtcpHeader, body - kRtcpHeader, tag)
                              : rtcp_.gcm->open(iv, {p, body}, {word, kSrtcpIndexLength}, p + body, 0, tag);
    if (!ok) return Error::authFailed("SRTCP GCM tag mismatch");
    return {};
  }
  uint8_t digest[HmacSha1::kDigestLength];
  rtcp_.mac->compute({p, body + kSrtcpIndexLength}, {}, digest);
  if (CRYPTO_memcmp(digest, p + body + kSrtcpIndexLength, tagLength) != 0) {
    return Error::authFailed("SRTCP HMAC mismatch");
  }
  if (!encrypted) return {};
  uint8_t iv[16];
  cmRtcpIv(rtcp_, ssrc, index, iv);
  if (!rtcp_.ctr->apply(iv, p + kRtcpHeader, body - kRtcpHeader)) {
    return Error{Error::Code::kInternal, "AES-CTR failed"};
  }
  return {};
}

Result<size_t> SrtpSession::protectRtcp(std::span<uint8_t> buffer, size_t length) noexcept {
  if (length > buffer.size()) return Error::malformed("packet length exceeds buffer");
  uint8_t* p = buffer.data();
  RTCGATE_TRY(checkRtcpHeader(p, length));
  if (buffer.size() - length < rtcpOverhead()) return Error::noSpace("no tail room for SRTCP trailer");
  const uint32_t ssrc = loadU32(p + 4);
  uint32_t* next = rtcpSend_.find(ssrc);
  if (next == nullptr && (next = rtcpSend_.insert(ssrc)) == nullptr) {
    return Error::noSpace("too many SSRCs in SRTP session");
  }
  // RFC 3711 §3.4: the 31-bit index never wraps under one key; the session must be rekeyed.
  if (*next > kMaxSrtcpIndex) return Error::state("SRTCP index exhausted");
  if (!sealRtcp(p, length, ssrc, *next)) return Error{Error::Code::kInternal, "SRTCP seal failed"};
  ++*next;
  return length + rtcpOverhead();
}

Result<size_t> SrtpSession::unprotectRtcp(std::span<uint8_t> buffer, size_t length) noexcept {
  if (length > buffer.size()) return Error::malformed("packet length exceeds buffer");
  if (length < kRtcpHeader + rtcpOverhead()) return Error::truncated("SRTCP packet shorter than trailer");
  uint8_t* p = buffer.data();
  RTCGATE_TRY(checkRtcpHeader(p, length));
  const uint32_t ssrc = loadU32(p + 4);
  const size_t wordOffset = gcm() ? length - kSrtcpIndexLength : length - rtcpOverhead();
  const uint32_t indexWord = loadU32(p + wordOffset);
  ReplayWindow* state = rtcpRecv_.find(ssrc);
  if (state == nullptr && rtcpRecv_.size() >= rtcpRecv_.capacity()) {
    return Error::noSpace("too many SSRCs in SRTP session");
  }
  const ReplayWindow fresh;
  const uint64_t index = indexWord & kMaxSrtcpIndex;
  const auto verdict = (state ? *state : fresh).check(index);
  if (verdict == ReplayWindow::Verdict::kReplay) return Error{Error::Code::kReplay, "SRTCP replay"};
  if (verdict == ReplayWindow::Verdict::kTooOld) return Error{Error::Code::kReplay, "SRTCP packet too old"};
  RTCGATE_TRY(openRtcp(p, length, ssrc, indexWord));
  if (state == nullptr) state = rtcpRecv_.insert(ssrc);  // capacity checked above
  state->accept(index);
  return length - rtcpOverhead();
}

}  // namespace rtcgate::crypto::srtp
