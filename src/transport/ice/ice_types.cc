#include "transport/ice/ice_types.h"

#include "base/random.h"

namespace rtcgate::transport::ice {

std::string_view iceStateName(IceState s) noexcept {
  switch (s) {
    case IceState::kNew:
      return "new";
    case IceState::kChecking:
      return "checking";
    case IceState::kConnected:
      return "connected";
    case IceState::kFailed:
      return "failed";
    case IceState::kClosed:
      return "closed";
  }
  return "unknown";
}

std::string_view iceDropReasonName(IceDropReason r) noexcept {
  switch (r) {
    case IceDropReason::kMalformed:
      return "malformed";
    case IceDropReason::kBadFingerprint:
      return "bad_fingerprint";
    case IceDropReason::kUnexpectedMessage:
      return "unexpected_message";
    case IceDropReason::kBadRequest:
      return "bad_request";
    case IceDropReason::kUnknownUsername:
      return "unknown_username";
    case IceDropReason::kBadIntegrity:
      return "bad_integrity";
    case IceDropReason::kUnknownAttribute:
      return "unknown_attribute";
    case IceDropReason::kRoleConflict:
      return "role_conflict";
    case IceDropReason::kStaleTransaction:
      return "stale_transaction";
    case IceDropReason::kWrongSource:
      return "wrong_source";
    case IceDropReason::kInactive:
      return "inactive";
    case IceDropReason::kCount:
      break;
  }
  return "unknown";
}

IceCredentials IceCredentials::generate() {
  return {randomIceString(8), randomIceString(24)};
}

}  // namespace rtcgate::transport::ice
