#pragma once
// Typed views of a=rid (RFC 8851) and a=simulcast (RFC 8853), the attributes that announce
// simulcast layers.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace rtcgate::wire::sdp {

// Whether a rid or a simulcast list is sent or received by the side that wrote it.
enum class RidDirection : uint8_t { kSend, kRecv };

// a=rid:<id> <send|recv> [pt=<fmt>,...;<restriction>=<value>;...] (RFC 8851 §10).
struct Rid {
  std::string id;
  RidDirection direction = RidDirection::kSend;
  std::vector<uint8_t> payloadTypes;  // from "pt=", empty when unrestricted
  std::vector<std::pair<std::string, std::string>> restrictions;  // max-width, max-fps, ...
  static Result<Rid> parse(std::string_view value);
  std::string toString() const;
};

// One rid inside a simulcast stream list; "~" marks it paused (RFC 8853 §5.1).
struct SimulcastRid {
  std::string rid;
  bool paused = false;
  bool operator==(const SimulcastRid&) const = default;
};
// A simulcast stream: its alternative rids, best first ("1,2" means "1 or 2").
using SimulcastStream = std::vector<SimulcastRid>;

// a=simulcast:[send <list>] [recv <list>] (RFC 8853 §5.1); lists are ';'-separated streams.
struct Simulcast {
  std::vector<SimulcastStream> send;
  std::vector<SimulcastStream> recv;
  static Result<Simulcast> parse(std::string_view value);
  std::string toString() const;
};

}  // namespace rtcgate::wire::sdp
