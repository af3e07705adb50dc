#pragma once
// MetricsHandler: GET /metrics in the Prometheus text exposition format.

#include "api/room_signaling.h"
#include "cluster/media_workers.h"
#include "net/http_server.h"
#include "transport/turn/turn_types.h"

namespace rtcgate::api {

class MetricsHandler final : public net::HttpHandler {
 public:
  // `rooms` may be null (no room metrics).
  explicit MetricsHandler(cluster::MediaWorkers& workers, const RoomSignaling* rooms = nullptr)
      : workers_(workers), rooms_(rooms) {}
  void handle(const net::HttpRequest& request, std::string_view rest, net::HttpReply reply) override;
  // The built-in TURN server's counters (null = no TURN metrics).
  void setTurnStats(const transport::turn::TurnStats* turn) { turn_ = turn; }

 private:
  cluster::MediaWorkers& workers_;
  const RoomSignaling* rooms_;
  const transport::turn::TurnStats* turn_ = nullptr;
};

// The room families: rooms, participants, signaling connections, messages and errors.
std::string renderRoomMetrics(const RoomCounters& rooms);

// The text for a set of worker snapshots (separate for tests).
std::string renderMetrics(const std::vector<cluster::WorkerMetrics>& workers, const std::vector<sfu::SessionInfo>& sessions);

}  // namespace rtcgate::api
