#pragma once
// NonceSource: stateless NONCE values for the TURN long-term credential mechanism
// (RFC 8489 §9.2): the nonce carries its own expiry and a MAC binding it to the client's
// address, so the server keeps no table of nonces and a nonce cannot be moved to another client.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/socket_address.h"

namespace rtcgate::transport::turn {

class NonceSource {
 public:
  static constexpr size_t kKeySize = 20;
  // A fresh random key.
  NonceSource();
  explicit NonceSource(const std::array<uint8_t, kKeySize>& key) : key_(key) {}

  // 32 hex characters: the expiry (unix µs, 16) and a truncated HMAC-SHA1 (16).
  std::string make(const SocketAddress& client, int64_t expiresUs) const;
  // True when `nonce` was made by this source for `client` and has not expired at `nowUs`.
  // Anything else is stale (RFC 8489 §9.2.4: 438).
  bool valid(std::string_view nonce, const SocketAddress& client, int64_t nowUs) const noexcept;

 private:
  std::array<uint8_t, 8> tag(const SocketAddress& client, int64_t expiresUs) const noexcept;

  std::array<uint8_t, kKeySize> key_{};
};

}  // namespace rtcgate::transport::turn
