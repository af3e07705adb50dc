#pragma once
// MetricsHandler: GET /metrics in the Prometheus text exposition format.

#include "cluster/media_workers.h"
#include "net/http_server.h"

namespace rtcgate::api {

class MetricsHandler final : public net::HttpHandler {
 public:
  explicit MetricsHandler(cluster::MediaWorkers& workers) : workers_(workers) {}
  void handle(const net::HttpRequest& request, std::string_view rest, net::HttpReply reply) override;

 private:
  cluster::MediaWorkers& workers_;
};

// The text for a set of worker snapshots (separate for tests).
std::string renderMetrics(const std::vector<cluster::WorkerMetrics>& workers, const std::vector<sfu::SessionInfo>& sessions);

}  // namespace rtcgate::api
