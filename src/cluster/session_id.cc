#include "cluster/session_id.h"

#include <array>

#include "base/hex.h"
#include "base/random.h"

namespace rtcgate::cluster {

std::string newSessionId() {
  std::array<uint8_t, 12> b{};
  randomBytes(b);
  return toHex(b);
}

}  // namespace rtcgate::cluster
