#pragma once
// Ephemeral TURN credentials of the TURN REST API scheme (draft-uberti-behave-turn-rest):
// the HTTP API hands out username "expiry:user" and password base64(HMAC-SHA1(secret,
// username)); the TURN server recomputes the password from the username alone.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtcgate::transport::turn {

// A credential as handed to a client (an RTCIceServer's username and credential).
struct TurnCredential {
  std::string username;
  std::string password;
  int64_t expiresUnixS = 0;
};

// Mints and checks REST API credentials with one shared secret.
class RestCredentials {
 public:
  explicit RestCredentials(std::string secret) : secret_(std::move(secret)) {}

  // A credential for `user` valid until `expiresUnixS` (seconds since the epoch). Throws
  // std::runtime_error only if OpenSSL cannot compute an HMAC.
  TurnCredential mint(std::string_view user, int64_t expiresUnixS) const;
  // base64(HMAC-SHA1(secret, username)); nullopt only if OpenSSL fails.
  std::optional<std::string> passwordFor(std::string_view username) const;

  // The expiry of a username "expiry:user" (digits, then ':' and a non-empty user); nullopt
  // when it has no such form.
  static std::optional<int64_t> expiryOf(std::string_view username) noexcept;
  // The user part after the first ':' (empty when the form is wrong).
  static std::string_view userOf(std::string_view username) noexcept;

 private:
  std::string secret_;
};

// The long-term credential key MD5(username ":" realm ":" password) (RFC 8489 §9.2.2),
// the HMAC key of MESSAGE-INTEGRITY in TURN. The password is used as it is (no SASLprep:
// REST API passwords are base64).
// nullopt only if OpenSSL fails.
std::optional<std::array<uint8_t, 16>> longTermKey(std::string_view username, std::string_view realm,
                                                   std::string_view password);

}  // namespace rtcgate::transport::turn
