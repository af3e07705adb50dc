#pragma once
// DtlsRole and the SDP a=setup negotiation that picks it (RFC 8842 §5, RFC 4145 §4).

#include <cstdint>
#include <optional>
#include <string_view>

namespace rtcgate::crypto::dtls {

// Which side of the DTLS handshake we are: the client sends the ClientHello.
enum class DtlsRole : uint8_t { kClient, kServer };

// The a=setup attribute values (RFC 4145 §4; "holdconn" is not used by WebRTC).
enum class DtlsSetup : uint8_t { kActpass, kActive, kPassive };

std::optional<DtlsSetup> parseDtlsSetup(std::string_view value) noexcept;
std::string_view dtlsSetupName(DtlsSetup setup) noexcept;

// Our a=setup in an answer to `remoteOffer` (RFC 8842 §5.2: the answerer must not say
// actpass). For actpass we take `preferred` (a server behind ICE-lite usually stays passive
// so the browser, which knows its path works, starts the handshake).
DtlsSetup answerSetup(DtlsSetup remoteOffer, DtlsSetup preferred = DtlsSetup::kPassive) noexcept;

// The DTLS role implied by our final (non-actpass) a=setup: active opens, so it is the client.
constexpr DtlsRole roleForLocalSetup(DtlsSetup local) noexcept {
  return local == DtlsSetup::kActive ? DtlsRole::kClient : DtlsRole::kServer;
}

// Our role once the remote answer's a=setup is known (we offered actpass).
constexpr DtlsRole roleForRemoteAnswer(DtlsSetup remoteAnswer) noexcept {
  return remoteAnswer == DtlsSetup::kActive ? DtlsRole::kServer : DtlsRole::kClient;
}

}  // namespace rtcgate::crypto::dtls
