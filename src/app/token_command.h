#pragma once
// `rtcgate token`: mints an access token for operators (docs/AUTH.md), signed with the
// config's HS256 secret or a given ES256/RS256 private key.

namespace rtcgate::app {

// argv[0] is "token". Prints the token on stdout; returns the exit code (2 for bad options).
int tokenMain(int argc, char** argv);

}  // namespace rtcgate::app
