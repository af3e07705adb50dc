#pragma once
// MetricsHandler: GET /metrics in the Prometheus text exposition format.

#include "api/room_signaling.h"
#include "cluster/access_policy.h"
#include "cluster/media_workers.h"
#include "net/http_server.h"

namespace rtcgate::api {

class MetricsHandler final : public net::HttpHandler {
 public:
  // `rooms` may be null (no room metrics). `access` non-null: a token with the admin grant
  // is needed (when JWT auth is on).
  explicit MetricsHandler(cluster::MediaWorkers& workers, const RoomSignaling* rooms = nullptr,
                          const cluster::AccessPolicy* access = nullptr)
      : workers_(workers), rooms_(rooms), access_(access) {}
  void handle(const net::HttpRequest& request, std::string_view rest, net::HttpReply reply) override;

 private:
  cluster::MediaWorkers& workers_;
  const RoomSignaling* rooms_;
  const cluster::AccessPolicy* access_;
};

// The room families: rooms, participants, signaling connections, messages and errors.
std::string renderRoomMetrics(const RoomCounters& rooms);

// The text for a set of worker snapshots (separate for tests).
std::string renderMetrics(const std::vector<cluster::WorkerMetrics>& workers, const std::vector<sfu::SessionInfo>& sessions);

}  // namespace rtcgate::api
