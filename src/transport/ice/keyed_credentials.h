#pragma once
// KeyedCredentials: a local/remote credential pair with HMAC keys ready for the packet path.

#include <string>
#include <string_view>

#include "transport/ice/ice_types.h"
#include "wire/stun/integrity.h"

namespace rtcgate::transport::ice {

// Holds both sides' ufrag/pwd plus the keyed HMAC contexts and the USERNAME strings, all
// built once (signaling time) so checking a request allocates nothing.
class KeyedCredentials {
 public:
  KeyedCredentials() = default;
  KeyedCredentials(IceCredentials local, IceCredentials remote);

  const IceCredentials& local() const noexcept { return local_; }
  const IceCredentials& remote() const noexcept { return remote_; }
  // Key for requests we receive and responses we send (our pwd, RFC 8445 §7.2.2).
  wire::stun::IntegrityKey& localKey() noexcept { return localKey_; }
  // Key for requests we send and responses we receive (the peer's pwd).
  wire::stun::IntegrityKey& remoteKey() noexcept { return remoteKey_; }
  // USERNAME of requests sent to us: "localUfrag:remoteUfrag".
  std::string_view incomingUsername() const noexcept { return incoming_; }
  // USERNAME of requests we send: "remoteUfrag:localUfrag".
  std::string_view outgoingUsername() const noexcept { return outgoing_; }

 private:
  IceCredentials local_;
  IceCredentials remote_;
  wire::stun::IntegrityKey localKey_;
  wire::stun::IntegrityKey remoteKey_;
  std::string incoming_;
  std::string outgoing_;
};

}  // namespace rtcgate::transport::ice
