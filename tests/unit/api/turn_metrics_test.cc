// TURN counters in the Prometheus text of /metrics.
#include "api/turn_metrics.h"

#include <gtest/gtest.h>

namespace rtcgate::api {
namespace {

TEST(TurnMetrics, EveryCounterHasItsLine) {
  transport::turn::TurnStats s;
  s.allocationsCurrent = 2;
  s.allocationsTotal = 5;
  s.relayedBytesToPeers = 1000;
  s.relayedBytesToClients = 2000;
  s.refusedAuth = 3;
  s.refusedForbiddenPeer = 4;
  s.refusedQuota = 6;
  s.droppedBandwidth = 7;
  const std::string text = renderTurnMetrics(s);
  for (const char* line : {"rtcgate_turn_allocations 2\n", "rtcgate_turn_allocations_total 5\n",
                           "rtcgate_turn_relayed_bytes_total{direction=\"to_peer\"} 1000\n",
                           "rtcgate_turn_relayed_bytes_total{direction=\"to_client\"} 2000\n",
                           "rtcgate_turn_refused_total{reason=\"auth\"} 3\n",
                           "rtcgate_turn_refused_total{reason=\"forbidden_peer\"} 4\n",
                           "rtcgate_turn_refused_total{reason=\"quota\"} 6\n",
                           "rtcgate_turn_dropped_total{reason=\"bandwidth\"} 7\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace rtcgate::api
