#include "wire/sdp/sdp_error.h"

namespace rtcgate::wire::sdp {

std::string SdpError::toString() const {
  if (line <= 0) return reason;
  return "line " + std::to_string(line) + ": " + reason;
}

}  // namespace rtcgate::wire::sdp
