#pragma once
// Prometheus text of the built-in TURN server's counters.

#include <string>

#include "transport/turn/turn_types.h"

namespace rtcgate::api {

std::string renderTurnMetrics(const transport::turn::TurnStats& stats);

}  // namespace rtcgate::api
