#include "transport/ice/stun_intake.h"

#include "wire/stun/integrity.h"

namespace rtcgate::transport::ice {

std::optional<wire::stun::StunMessage> admitStun(std::span<const uint8_t> data, IceState state,
                                                 IceDropCounters& drops) noexcept {
  if (state == IceState::kClosed || state == IceState::kFailed) {
    drops.count(IceDropReason::kInactive);
    return std::nullopt;
  }
  auto msg = wire::stun::StunMessage::parse(data);
  if (!msg.ok()) {
    drops.count(IceDropReason::kMalformed);
    return std::nullopt;
  }
  if (!wire::stun::verifyFingerprint(*msg).ok()) {
    drops.count(IceDropReason::kBadFingerprint);
    return std::nullopt;
  }
  return *msg;
}

}  // namespace rtcgate::transport::ice
