#pragma once
// SrtpContext: the inbound and outbound SRTP sessions of one DTLS-SRTP association (RFC 5764).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "crypto/srtp/srtp_session.h"
#include "crypto/srtp_profile.h"

namespace rtcgate::crypto::srtp {

// One side's master key and salt as exported by DTLS.
struct MasterKeySalt {
  std::array<uint8_t, 16> key{};
  std::array<uint8_t, 14> salt{};
  size_t saltLength = 0;

  std::span<const uint8_t> keySpan() const noexcept { return key; }
  std::span<const uint8_t> saltSpan() const noexcept {
    return std::span<const uint8_t>(salt).first(saltLength);
  }
};

// The client's and the server's write keys.
struct DtlsSrtpKeys {
  MasterKeySalt client;
  MasterKeySalt server;
};

// Bytes of keying material to export with the label "EXTRACTOR-dtls_srtp" (RFC 5764 §4.2).
constexpr size_t keyingMaterialLength(SrtpProfile p) noexcept {
  return 2 * (masterKeyLength(p) + masterSaltLength(p));
}

// Splits exported keying material laid out as client_key | server_key | client_salt |
// server_salt (RFC 5764 §4.2).
Result<DtlsSrtpKeys> splitKeyingMaterial(SrtpProfile profile, std::span<const uint8_t> material) noexcept;

// We protect with our own write key and unprotect with the peer's: the DTLS client sends
// with the client key, the server with the server key.
class SrtpContext {
 public:
  static Result<SrtpContext> create(SrtpProfile profile, std::span<const uint8_t> keyingMaterial,
                                    bool isDtlsClient, size_t maxSsrcs = SrtpSession::kDefaultMaxSsrcs);

  SrtpProfile profile() const noexcept { return outbound_.profile(); }
  SrtpSession& inbound() noexcept { return inbound_; }
  SrtpSession& outbound() noexcept { return outbound_; }

 private:
  SrtpContext(SrtpSession inbound, SrtpSession outbound) noexcept
      : inbound_(std::move(inbound)), outbound_(std::move(outbound)) {}
  SrtpSession inbound_;
  SrtpSession outbound_;
};

}  // namespace rtcgate::crypto::srtp
