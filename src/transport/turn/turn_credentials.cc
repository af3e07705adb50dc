#include "transport/turn/turn_credentials.h"

#include <openssl/evp.h>

#include <charconv>
#include <stdexcept>

#include "base/base64.h"
#include "crypto/srtp/hmac_sha1.h"

namespace rtcgate::transport::turn {

namespace {
std::span<const uint8_t> bytesOf(std::string_view s) noexcept {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

TurnCredential RestCredentials::mint(std::string_view user, int64_t expiresUnixS) const {
  TurnCredential c;
  c.username = std::to_string(expiresUnixS) + ":" + std::string(user);
  auto password = passwordFor(c.username);
  if (!password) throw std::runtime_error("turn: HMAC-SHA1 unavailable");
  c.password = std::move(*password);
  c.expiresUnixS = expiresUnixS;
  return c;
}

std::optional<std::string> RestCredentials::passwordFor(std::string_view username) const {
  auto mac = crypto::srtp::HmacSha1::create(bytesOf(secret_));
  if (!mac.ok()) return std::nullopt;
  uint8_t digest[crypto::srtp::HmacSha1::kDigestLength];
  mac->compute(bytesOf(username), {}, digest);
  return toBase64(digest);
}

std::optional<int64_t> RestCredentials::expiryOf(std::string_view username) noexcept {
  const auto colon = username.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == username.size()) return std::nullopt;
  int64_t expiry = 0;
  const char* end = username.data() + colon;
  const auto [ptr, ec] = std::from_chars(username.data(), end, expiry);
  if (ec != std::errc{} || ptr != end || expiry < 0) return std::nullopt;
  return expiry;
}

std::string_view RestCredentials::userOf(std::string_view username) noexcept {
  if (!expiryOf(username)) return {};
  return username.substr(username.find(':') + 1);
}

std::optional<std::array<uint8_t, 16>> longTermKey(std::string_view username, std::string_view realm,
                                                   std::string_view password) {
  std::array<uint8_t, 16> key{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int len = 0;
  const bool ok =
      ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1 &&
      EVP_DigestUpdate(ctx, username.data(), username.size()) == 1 && EVP_DigestUpdate(ctx, ":", 1) == 1 &&
      EVP_DigestUpdate(ctx, realm.data(), realm.size()) == 1 && EVP_DigestUpdate(ctx, ":", 1) == 1 &&
      EVP_DigestUpdate(ctx, password.data(), password.size()) == 1 &&
      EVP_DigestFinal_ex(ctx, key.data(), &len) == 1 && len == key.size();
  EVP_MD_CTX_free(ctx);
  if (!ok) return std::nullopt;
  return key;
}

}  // namespace rtcgate::transport::turn
