#include "transport/turn/turn_nonce.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "base/byte_writer.h"
#include "base/hex.h"
#include "base/random.h"
#include "crypto/srtp/hmac_sha1.h"

namespace rtcgate::transport::turn {

NonceSource::NonceSource() {
  randomBytes(key_);
}

std::array<uint8_t, 8> NonceSource::tag(const SocketAddress& client, int64_t expiresUs) const noexcept {
  std::array<uint8_t, 8 + 16 + 2> msg{};
  ByteWriter w(msg);
  w.writeU64(static_cast<uint64_t>(expiresUs));
  if (client.isIpv6())
    w.writeBytes({client.ipv6Bytes(), 16});
  else
    w.writeU32(client.ipv4Addr());
  w.writeU16(client.port());
  std::array<uint8_t, 8> out{};
  auto mac = crypto::srtp::HmacSha1::create(key_);
  if (!mac.ok()) return out;  // all zeros: no nonce validates
  uint8_t digest[crypto::srtp::HmacSha1::kDigestLength];
  mac->compute(w.written(), {}, digest);
  std::copy_n(digest, out.size(), out.begin());
  return out;
}

std::string NonceSource::make(const SocketAddress& client, int64_t expiresUs) const {
  std::array<uint8_t, 8> when{};
  ByteWriter w(when);
  w.writeU64(static_cast<uint64_t>(expiresUs));
  return toHex(when) + toHex(tag(client, expiresUs));
}

bool NonceSource::valid(std::string_view nonce, const SocketAddress& client, int64_t nowUs) const noexcept {
  if (nonce.size() != 32) return false;
  uint8_t raw[16];
  for (size_t i = 0; i < 16; ++i) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(nonce[2 * i]), lo = nibble(nonce[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    raw[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  uint64_t expires = 0;
  for (size_t i = 0; i < 8; ++i) expires = expires << 8 | raw[i];
  if (static_cast<int64_t>(expires) <= nowUs) return false;
  const auto expected = tag(client, static_cast<int64_t>(expires));
  return CRYPTO_memcmp(expected.data(), raw + 8, expected.size()) == 0;
}

}  // namespace rtcgate::transport::turn
