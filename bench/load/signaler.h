#pragma once
// Signaler: how the load tool exchanges an offer for an answer — over HTTP with a real
// WHIP/WHEP server (HttpSignaler), or in process with the built-in LoopbackSfu.

#include <optional>
#include <string>

#include "signaling.h"

namespace rtcgate::load {

// A session the server accepted: what its answer said and where to DELETE it.
struct Signaled {
  AnswerParams answer;
  std::string location;
};

class Signaler {
 public:
  virtual ~Signaler() = default;
  // Publishes (WHIP) or plays (WHEP) at `url`; on failure returns nullopt and says why.
  virtual std::optional<Signaled> post(bool publisher, const std::string& url, const std::string& offer,
                                       std::string& error) = 0;
  // Ends a session; returns an error text, empty on success.
  virtual std::string remove(const std::string& location) = 0;
};

}  // namespace rtcgate::load
