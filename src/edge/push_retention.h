#pragma once
// How long ended RTMP pushes stay listed: long enough for an operator to read why a push
// stopped, never so long that pushes started and ended over and over pile up.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rtcgate::edge {

struct PushRecord {
  std::string stream;
  int64_t endedMs = -1;  // < 0 while the push is live
};

struct PushRetention {
  int64_t keepMs = 10 * 60 * 1000;  // an ended push is forgotten this long after it ended
  size_t keepPerStream = 4;         // and beyond this many newer ended pushes of its stream
};

// The ids of ended pushes to forget at `nowMs`. Live pushes are never named.
std::vector<std::string> pushesToForget(const std::map<std::string, PushRecord>& pushes, int64_t nowMs,
                                        const PushRetention& retention = {});

}  // namespace rtcgate::edge
