#pragma once
// SrtpSession: SRTP and SRTCP protection for one direction of one master key
// (RFC 3711 AES_CM_128_HMAC_SHA1_80, RFC 7714 AEAD_AES_128_GCM), in place on caller buffers.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "base/result.h"
#include "crypto/srtp/aes_ctr.h"
#include "crypto/srtp/aes_gcm.h"
#include "crypto/srtp/hmac_sha1.h"
#include "crypto/srtp/key_derivation.h"
#include "crypto/srtp/replay_window.h"
#include "crypto/srtp/ssrc_table.h"
#include "crypto/srtp_profile.h"

namespace rtcgate::crypto::srtp {

// The keyed primitives of one of SRTP or SRTCP: AES-CTR + HMAC-SHA1, or AES-GCM.
struct PacketCipher {
  std::optional<AesCtr> ctr;
  std::optional<HmacSha1> mac;
  std::optional<AesGcm> gcm;
  std::array<uint8_t, 14> salt{};
};

// Everything is keyed at creation and per-SSRC state lives in fixed-capacity tables, so the
// four packet calls never allocate, throw, lock or log. Errors carry the drop reason:
// kTruncated, kMalformed, kAuthFailed, kReplay, and kNoSpace (no tail room, or more SSRCs
// than the table holds). The receive-side ROC and replay windows move only after a packet
// authenticates. One session serves one direction; SrtpContext pairs two for DTLS-SRTP.
class SrtpSession {
 public:
  static constexpr size_t kDefaultMaxSsrcs = 64;
  static constexpr size_t kSrtcpIndexLength = 4;  // E flag + 31-bit SRTCP index
  static constexpr size_t kMaxOverhead = 20;      // tail room protectRtcp may need

  static Result<SrtpSession> create(SrtpProfile profile, std::span<const uint8_t> masterKey,
                                    std::span<const uint8_t> masterSalt, size_t maxSsrcs = kDefaultMaxSsrcs);
  // From already-derived session keys (the RFC 7714 test vectors give these directly).
  static Result<SrtpSession> createWithSessionKeys(SrtpProfile profile, const DerivedKeys& keys,
                                                   size_t maxSsrcs = kDefaultMaxSsrcs);

  SrtpProfile profile() const noexcept { return profile_; }
  // Bytes protectRtp / protectRtcp append (the caller leaves this much tail room).
  size_t rtpOverhead() const noexcept { return rtpTagLength(profile_); }
  size_t rtcpOverhead() const noexcept { return rtpTagLength(profile_) + kSrtcpIndexLength; }

  // `buffer` holds a packet of `packetLength` bytes plus tail room. Protect returns the new
  // length; unprotect returns the plaintext length (RFC 3711 §3.3, RFC 7714 §8-9).
  Result<size_t> protectRtp(std::span<uint8_t> buffer, size_t packetLength) noexcept;
  Result<size_t> unprotectRtp(std::span<uint8_t> buffer, size_t packetLength) noexcept;
  Result<size_t> protectRtcp(std::span<uint8_t> buffer, size_t packetLength) noexcept;
  Result<size_t> unprotectRtcp(std::span<uint8_t> buffer, size_t packetLength) noexcept;
  // We stopped sending `ssrc` for good (its stream ended): its slot is free for another.
  void forgetSendSsrc(uint32_t ssrc) noexcept {
    rtpSend_.erase(ssrc);
    rtcpSend_.erase(ssrc);
  }
  // The other side stopped sending `ssrc` for good (a relayed stream ended): its slot is free.
  void forgetReceiveSsrc(uint32_t ssrc) noexcept {
    rtpRecv_.erase(ssrc);
    rtcpRecv_.erase(ssrc);
  }

 private:
  SrtpSession(SrtpProfile profile, size_t maxSsrcs);

  bool gcm() const noexcept { return profile_ == SrtpProfile::kAeadAes128Gcm; }
  bool sealRtp(uint8_t* packet, size_t headerLength, size_t length, uint32_t ssrc, uint64_t index) noexcept;
  Status openRtp(uint8_t* packet, size_t headerLength, size_t length, uint32_t ssrc, uint64_t index) noexcept;
  bool sealRtcp(uint8_t* packet, size_t length, uint32_t ssrc, uint32_t index) noexcept;
  Status openRtcp(uint8_t* packet, size_t length, uint32_t ssrc, uint32_t indexWord) noexcept;

  SrtpProfile profile_;
  PacketCipher rtp_;
  PacketCipher rtcp_;
  SsrcTable<ReplayWindow> rtpSend_;   // highest index sent: the send-side ROC
  SsrcTable<ReplayWindow> rtpRecv_;   // ROC + replay window per received SSRC
  SsrcTable<uint32_t> rtcpSend_;      // next SRTCP index per SSRC
  SsrcTable<ReplayWindow> rtcpRecv_;  // SRTCP replay window per SSRC
};

}  // namespace rtcgate::crypto::srtp
