#include "crypto/srtp/srtp_context.h"

#include <openssl/crypto.h>

#include <algorithm>

namespace rtcgate::crypto::srtp {

Result<DtlsSrtpKeys> splitKeyingMaterial(SrtpProfile profile, std::span<const uint8_t> material) noexcept {
  if (material.size() != keyingMaterialLength(profile)) {
    return Error::malformed("DTLS-SRTP keying material has the wrong length");
  }
  const size_t keyLength = masterKeyLength(profile);
  const size_t saltLength = masterSaltLength(profile);
  DtlsSrtpKeys keys;
  keys.client.saltLength = keys.server.saltLength = saltLength;
  auto take = [&material](size_t offset, size_t n, uint8_t* out) {
    const auto part = material.subspan(offset, n);
    std::copy(part.begin(), part.end(), out);
  };
  take(0, keyLength, keys.client.key.data());
  take(keyLength, keyLength, keys.server.key.data());
  take(2 * keyLength, saltLength, keys.client.salt.data());
  take(2 * keyLength + saltLength, saltLength, keys.server.salt.data());
  return keys;
}

Result<SrtpContext> SrtpContext::create(SrtpProfile profile, std::span<const uint8_t> keyingMaterial,
                                        bool isDtlsClient, size_t maxSsrcs) {
  auto keys = splitKeyingMaterial(profile, keyingMaterial);
  if (!keys) return keys.error();
  const MasterKeySalt& local = isDtlsClient ? keys->client : keys->server;
  const MasterKeySalt& remote = isDtlsClient ? keys->server : keys->client;
  auto outbound = SrtpSession::create(profile, local.keySpan(), local.saltSpan(), maxSsrcs);
  auto inbound = SrtpSession::create(profile, remote.keySpan(), remote.saltSpan(), maxSsrcs);
  OPENSSL_cleanse(&keys.value(), sizeof(DtlsSrtpKeys));
  if (!outbound) return outbound.error();
  if (!inbound) return inbound.error();
  return SrtpContext(std::move(inbound).value(), std::move(outbound).value());
}

}  // namespace rtcgate::crypto::srtp
