#include "crypto/srtp/srtp_session.h"

#include <openssl/crypto.h>

#include <cstring>

#include "base/byte_reader.h"

namespace rtcgate::crypto::srtp {
namespace {

constexpr size_t kRtpFixedHeader = 12;

constexpr Error replayError(const char* m) {
  return Error{Error::Code::kReplay, m};
}

Result<PacketCipher> makeCipher(SrtpProfile profile, const SessionKeys& keys) {
  PacketCipher cipher;
  cipher.salt = keys.salt;
  if (profile == SrtpProfile::kAeadAes128Gcm) {
    auto gcm = AesGcm::create(keys.encryptionKey);
    if (!gcm) return gcm.error();
    cipher.gcm.emplace(std::move(gcm).value());
    return cipher;
  }
  auto ctr = AesCtr::create(keys.encryptionKey);
  if (!ctr) return ctr.error();
  auto mac = HmacSha1::create(keys.authKey);
  if (!mac) return mac.error();
  cipher.ctr.emplace(std::move(ctr).value());
  cipher.mac.emplace(std::move(mac).value());
  return cipher;
}

// RTP header length including CSRCs and the header extension (RFC 3550 §5.1, §5.3.1): all
// of it is authenticated but left in the clear (RFC 3711 §3.1, RFC 7714 §8.2 as AAD).
Result<size_t> rtpHeaderLength(const uint8_t* p, size_t length) noexcept {
  if (length < kRtpFixedHeader) return Error::truncated("RTP header");
  if ((p[0] >> 6) != 2) return Error::malformed("RTP version is not 2");
  size_t header = kRtpFixedHeader + 4 * size_t{p[0] & 0x0fu};
  if (p[0] & 0x10u) {
    if (header + 4 > length) return Error::truncated("RTP extension header");
    header += 4 + 4 * size_t{loadU16(p + header + 2)};
  }
  if (header > length) return Error::truncated("RTP header");
  return header;
}

// AES-CM IV (RFC 3711 §4.1.1): (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16).
void cmIv(const PacketCipher& c, uint32_t ssrc, uint64_t index, uint8_t (&iv)[16]) noexcept {
  std::memcpy(iv, c.salt.data(), 14);
  iv[14] = iv[15] = 0;
  uint8_t mix[12];
  storeU32(mix, ssrc);
  storeU16(mix + 4, static_cast<uint16_t>(index >> 32));
  storeU32(mix + 6, static_cast<uint32_t>(index));
  for (size_t i = 0; i < 10; ++i) iv[4 + i] ^= mix[i];
}

// GCM IV (RFC 7714 §8.1): (0x0000 || SSRC || ROC || SEQ) XOR salt.
void gcmRtpIv(const PacketCipher& c, uint32_t ssrc, uint64_t index, uint8_t (&iv)[12]) noexcept {
  uint8_t mix[12] = {};
  storeU32(mix + 2, ssrc);
  storeU32(mix + 6, static_cast<uint32_t>(index >> 16));
  storeU16(mix + 10, static_cast<uint16_t>(index));
  for (size_t i = 0; i < 12; ++i) iv[i] = c.salt[i] ^ mix[i];
}

}  // namespace

SrtpSession::SrtpSession(SrtpProfile profile, size_t maxSsrcs)
    : profile_(profile), rtpSend_(maxSsrcs), rtpRecv_(maxSsrcs), rtcpSend_(maxSsrcs), rtcpRecv_(maxSsrcs) {}

Result<SrtpSession> SrtpSession::create(SrtpProfile profile, std::span<const uint8_t> masterKey,
                                        std::span<const uint8_t> masterSalt, size_t maxSsrcs) {
  auto keys = deriveSessionKeys(profile, masterKey, masterSalt);
  if (!keys) return keys.error();
  auto session = createWithSessionKeys(profile, *keys, maxSsrcs);
  OPENSSL_cleanse(&keys.value(), sizeof(DerivedKeys));
  return session;
}

Result<SrtpSession> SrtpSession::createWithSessionKeys(SrtpProfile profile, const DerivedKeys& keys,
                                                       size_t maxSsrcs) {
  if (maxSsrcs == 0) return Error::malformed("SRTP session needs room for one SSRC");
  SrtpSession session(profile, maxSsrcs);
  auto rtp = makeCipher(profile, keys.rtp);
  if (!rtp) return rtp.error();
  auto rtcp = makeCipher(profile, keys.rtcp);
  if (!rtcp) return rtcp.error();
  session.rtp_ = std::move(rtp).value();
  session.rtcp_ = std::move(rtcp).value();
  return session;
}

bool SrtpSession::sealRtp(uint8_t* p, size_t headerLength, size_t length, uint32_t ssrc,
                          uint64_t index) noexcept {
  if (gcm()) {
    uint8_t iv[12];
    gcmRtpIv(rtp_, ssrc, index, iv);
    return rtp_.gcm->seal(iv, {p, headerLength}, {}, p + headerLength, length - headerLength, p + length);
  }
  uint8_t iv[16];
  cmIv(rtp_, ssrc, index, iv);
  if (!rtp_.ctr->apply(iv, p + headerLength, length - headerLength)) return false;
  // RFC 3711 §4.2: the tag covers the authenticated portion followed by the ROC.
  uint8_t roc[4];
  storeU32(roc, static_cast<uint32_t>(index >> 16));
  uint8_t digest[HmacSha1::kDigestLength];
  rtp_.mac->compute({p, length}, roc, digest);
  std::memcpy(p + length, digest, rtpTagLength(profile_));
  return true;
}

Status SrtpSession::openRtp(uint8_t* p, size_t headerLength, size_t length, uint32_t ssrc,
                            uint64_t index) noexcept {
  const size_t tagLength = rtpTagLength(profile_);
  const size_t body = length - tagLength;
  if (gcm()) {
    uint8_t iv[12];
    gcmRtpIv(rtp_, ssrc, index, iv);
    if (!rtp_.gcm->open(iv, {p, headerLength}, {}, p + headerLength, body - headerLength, p + body)) {
      return Error::authFailed("SRTP GCM tag mismatch");
    }
    return {};
  }
  uint8_t roc[4];
  storeU32(roc, static_cast<uint32_t>(index >> 16));
  uint8_t digest[HmacSha1::kDigestLength];
  rtp_.mac->compute({p, body}, roc, digest);
  // Authenticate before decrypting (RFC 3711 §3.3 step 5), in constant time.
  if (CRYPTO_memcmp(digest, p + body, tagLength) != 0) return Error::authFailed("SRTP HMAC mismatch");
  uint8_t iv[16];
  cmIv(rtp_, ssrc, index, iv);
  if (!rtp_.ctr->apply(iv, p + headerLength, body - headerLength)) {
    return Error{Error::Code::kInternal, "AES-CTR failed"};
  }
  return {};
}

// RFC 3711 §3.3: the sender keeps the ROC per SSRC and bumps it when SEQ wraps; estimating
// the index the way a receiver does also copes with a caller that protects out of order.
Result<size_t> SrtpSession::protectRtp(std::span<uint8_t> buffer, size_t length) noexcept {
  if (length > buffer.size()) return Error::malformed("packet length exceeds buffer");
  uint8_t* p = buffer.data();
  auto header = rtpHeaderLength(p, length);
  if (!header) return header.error();
  if (buffer.size() - length < rtpTagLength(profile_)) return Error::noSpace("no tail room for SRTP tag");
  const uint32_t ssrc = loadU32(p + 8);
  ReplayWindow* state = rtpSend_.find(ssrc);
  if (state == nullptr && (state = rtpSend_.insert(ssrc)) == nullptr) {
    return Error::noSpace("too many SSRCs in SRTP session");
  }
  uint64_t index = 0;
  if (!estimateRtpIndex(*state, loadU16(p + 2), index)) return replayError("SRTP index out of range");
  if (!sealRtp(p, *header, length, ssrc, index)) return Error{Error::Code::kInternal, "SRTP seal failed"};
  state->accept(index);
  return length + rtpTagLength(profile_);
}

// RFC 3711 §3.3 steps 1-7: estimate the index, reject replays before spending crypto,
// authenticate (and decrypt), and only then move the ROC and replay window.
Result<size_t> SrtpSession::unprotectRtp(std::span<uint8_t> buffer, size_t length) noexcept {
  if (length > buffer.size()) return Error::malformed("packet length exceeds buffer");
  const size_t tagLength = rtpTagLength(profile_);
  if (length < kRtpFixedHeader + tagLength) return Error::truncated("SRTP packet shorter than header + tag");
  uint8_t* p = buffer.data();
  auto header = rtpHeaderLength(p, length - tagLength);
  if (!header) return header.error();
  const uint32_t ssrc = loadU32(p + 8);
  ReplayWindow* state = rtpRecv_.find(ssrc);
  if (state == nullptr && rtpRecv_.size() >= rtpRecv_.capacity()) {
    return Error::noSpace("too many SSRCs in SRTP session");
  }
  const ReplayWindow fresh;
  const ReplayWindow& window = state ? *state : fresh;
  uint64_t index = 0;
  if (!estimateRtpIndex(window, loadU16(p + 2), index)) return replayError("SRTP packet too old");
  const auto verdict = window.check(index);
  if (verdict == ReplayWindow::Verdict::kReplay) return replayError("SRTP replay");
  if (verdict == ReplayWindow::Verdict::kTooOld) return replayError("SRTP packet too old");
  RTCGATE_TRY(openRtp(p, *header, length, ssrc, index));
  if (state == nullptr) state = rtpRecv_.insert(ssrc);  // capacity checked above
  state->accept(index);
  return length - tagLength;
}

}  // namespace rtcgate::crypto::srtp
