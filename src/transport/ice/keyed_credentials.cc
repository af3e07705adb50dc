#include "transport/ice/keyed_credentials.h"

#include <utility>

namespace rtcgate::transport::ice {

KeyedCredentials::KeyedCredentials(IceCredentials local, IceCredentials remote)
    : local_(std::move(local)),
      remote_(std::move(remote)),
      incoming_(local_.ufrag + ":" + remote_.ufrag),
      outgoing_(remote_.ufrag + ":" + local_.ufrag) {
  // A key that fails to set stays invalid and every check against it fails closed.
  (void)localKey_.setKey(local_.pwd);
  (void)remoteKey_.setKey(remote_.pwd);
}

}  // namespace rtcgate::transport::ice
