#pragma once
// Session ids: 24 random hex digits, unguessable (they appear in URLs that end sessions).

#include <string>

namespace rtcgate::cluster {

std::string newSessionId();

}  // namespace rtcgate::cluster
