#pragma once
// DtlsKeys: the SRTP master keys and salts a finished DTLS-SRTP handshake exported.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/dtls/dtls_role.h"
#include "crypto/srtp_profile.h"

namespace rtcgate::crypto::dtls {

// RFC 5764 §4.2: the exporter output is client_write_key | server_write_key |
// client_write_salt | server_write_salt. `role` says which pair is ours to protect with.
struct DtlsKeys {
  static constexpr size_t kMaxKey = 16;
  static constexpr size_t kMaxSalt = 14;

  SrtpProfile profile = SrtpProfile::kAeadAes128Gcm;
  DtlsRole role = DtlsRole::kServer;
  std::array<uint8_t, kMaxKey> clientWriteKey{};
  std::array<uint8_t, kMaxKey> serverWriteKey{};
  std::array<uint8_t, kMaxSalt> clientWriteSalt{};
  std::array<uint8_t, kMaxSalt> serverWriteSalt{};

  size_t keyLength() const noexcept { return masterKeyLength(profile); }
  size_t saltLength() const noexcept { return masterSaltLength(profile); }
  std::span<const uint8_t> clientKey() const noexcept { return {clientWriteKey.data(), keyLength()}; }
  std::span<const uint8_t> serverKey() const noexcept { return {serverWriteKey.data(), keyLength()}; }
  std::span<const uint8_t> clientSalt() const noexcept { return {clientWriteSalt.data(), saltLength()}; }
  std::span<const uint8_t> serverSalt() const noexcept { return {serverWriteSalt.data(), saltLength()}; }
  // Keys for what we send (SRTP protect) and what we receive (unprotect).
  std::span<const uint8_t> localKey() const noexcept { return isClient() ? clientKey() : serverKey(); }
  std::span<const uint8_t> localSalt() const noexcept { return isClient() ? clientSalt() : serverSalt(); }
  std::span<const uint8_t> remoteKey() const noexcept { return isClient() ? serverKey() : clientKey(); }
  std::span<const uint8_t> remoteSalt() const noexcept { return isClient() ? serverSalt() : clientSalt(); }
  bool isClient() const noexcept { return role == DtlsRole::kClient; }
};

}  // namespace rtcgate::crypto::dtls
