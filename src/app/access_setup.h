#pragma once
// The gateway's AccessPolicy from its Config: static tokens, and the JWT verifier built
// from the [auth] keys (the secret, the PEM public key file, the JWKS file).

#include <string>

#include "app/config.h"
#include "cluster/access_policy.h"

namespace rtcgate::app {

// Throws std::runtime_error naming the setting when a key file cannot be read or holds no
// usable key.
cluster::AccessPolicy makeAccessPolicy(const Config& config);

// The whole of a (small) text file; throws std::runtime_error naming `what` when it cannot be read.
std::string readKeyFile(const std::string& path, const char* what);

}  // namespace rtcgate::app
