#include "api/turn_metrics.h"

#include <fmt/format.h>

namespace rtcgate::api {

std::string renderTurnMetrics(const transport::turn::TurnStats& s) {
  auto v = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  return fmt::format(
      "# HELP rtcgate_turn_allocations Open TURN allocations.\n# TYPE rtcgate_turn_allocations gauge\n"
      "rtcgate_turn_allocations {}\n"
      "# HELP rtcgate_turn_allocations_total TURN allocations made.\n# TYPE rtcgate_turn_allocations_total "
      "counter\n"
      "rtcgate_turn_allocations_total {}\n"
      "# HELP rtcgate_turn_relayed_bytes_total Bytes relayed by TURN, by direction.\n"
      "# TYPE rtcgate_turn_relayed_bytes_total counter\n"
      "rtcgate_turn_relayed_bytes_total{{direction=\"to_peer\"}} {}\n"
      "rtcgate_turn_relayed_bytes_total{{direction=\"to_client\"}} {}\n"
      "# HELP rtcgate_turn_relayed_packets_total Packets relayed by TURN, by direction.\n"
      "# TYPE rtcgate_turn_relayed_packets_total counter\n"
      "rtcgate_turn_relayed_packets_total{{direction=\"to_peer\"}} {}\n"
      "rtcgate_turn_relayed_packets_total{{direction=\"to_client\"}} {}\n"
      "# HELP rtcgate_turn_refused_total TURN requests refused, by reason.\n"
      "# TYPE rtcgate_turn_refused_total counter\n"
      "rtcgate_turn_refused_total{{reason=\"auth\"}} {}\n"
      "rtcgate_turn_refused_total{{reason=\"forbidden_peer\"}} {}\n"
      "rtcgate_turn_refused_total{{reason=\"quota\"}} {}\n"
      "# HELP rtcgate_turn_dropped_total TURN packets dropped, by reason.\n"
      "# TYPE rtcgate_turn_dropped_total counter\n"
      "rtcgate_turn_dropped_total{{reason=\"no_permission\"}} {}\n"
      "rtcgate_turn_dropped_total{{reason=\"bandwidth\"}} {}\n"
      "rtcgate_turn_dropped_total{{reason=\"malformed\"}} {}\n",
      v(s.allocationsCurrent), v(s.allocationsTotal), v(s.relayedBytesToPeers), v(s.relayedBytesToClients),
      v(s.relayedPacketsToPeers), v(s.relayedPacketsToClients), v(s.refusedAuth), v(s.refusedForbiddenPeer),
      v(s.refusedQuota), v(s.droppedNoPermission), v(s.droppedBandwidth), v(s.droppedMalformed));
}

}  // namespace rtcgate::api
