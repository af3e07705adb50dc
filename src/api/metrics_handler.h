#pragma once
// MetricsHandler: GET /metrics in the Prometheus text exposition format.

#include "api/room_signaling.h"
#include "api/session_limits.h"
#include "cluster/access_policy.h"
#include "cluster/media_workers.h"
#include "net/http_server.h"
#include "transport/turn/turn_types.h"

namespace rtcgate::api {

class MetricsHandler final : public net::HttpHandler {
 public:
  // `rooms` and `http` may be null (no room / HTTP listener metrics). `access` non-null: a
  // token with the admin grant is needed (when JWT auth is on).
  explicit MetricsHandler(cluster::MediaWorkers& workers, const RoomSignaling* rooms = nullptr,
                          const net::HttpServer* http = nullptr, const cluster::AccessPolicy* access = nullptr)
      : workers_(workers), rooms_(rooms), http_(http), access_(access) {}
  void handle(const net::HttpRequest& request, std::string_view rest, net::HttpReply reply) override;
  // The built-in TURN server's counters (null = no TURN metrics).
  void setTurnStats(const transport::turn::TurnStats* turn) { turn_ = turn; }
  // The per-client session limits (null = no such metrics).
  void setSessionLimits(const SessionLimits* limits) { sessionLimits_ = limits; }

 private:
  cluster::MediaWorkers& workers_;
  const RoomSignaling* rooms_;
  const net::HttpServer* http_;
  const cluster::AccessPolicy* access_;
  const transport::turn::TurnStats* turn_ = nullptr;
  const SessionLimits* sessionLimits_ = nullptr;
};

// The HTTP listener families: open connections, refused connections and timeouts by reason.
std::string renderHttpMetrics(const net::HttpCounters& http);

// The room families: rooms, participants, signaling connections, messages and errors.
std::string renderRoomMetrics(const RoomCounters& rooms);

// The text for a set of worker snapshots (separate for tests).
std::string renderMetrics(const std::vector<cluster::WorkerMetrics>& workers, const std::vector<sfu::SessionInfo>& sessions);

}  // namespace rtcgate::api
