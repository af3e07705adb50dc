#include "transport/ice/binding_response.h"

#include "wire/stun/builder.h"

namespace rtcgate::transport::ice {

using wire::stun::StunBuilder;
using wire::stun::StunClass;

Result<std::span<uint8_t>> buildBindingSuccess(std::span<uint8_t> buf, const wire::stun::StunMessage& req,
                                               const SocketAddress& mapped,
                                               wire::stun::IntegrityKey& key) noexcept {
  StunBuilder b(buf, req.method(), StunClass::kSuccess, req.transactionId());
  b.addXorMappedAddress(mapped);
  b.addMessageIntegrity(key);
  b.addFingerprint();
  return b.finish();
}

Result<std::span<uint8_t>> buildBindingError(std::span<uint8_t> buf, const wire::stun::StunMessage& req,
                                             wire::stun::ErrorCode code, wire::stun::IntegrityKey* key,
                                             std::span<const uint16_t> unknown) noexcept {
  StunBuilder b(buf, req.method(), StunClass::kError, req.transactionId());
  b.addErrorCode(static_cast<uint16_t>(code));
  if (!unknown.empty()) b.addUnknownAttributes(unknown);
  if (key != nullptr) b.addMessageIntegrity(*key);
  b.addFingerprint();
  return b.finish();
}

}  // namespace rtcgate::transport::ice
