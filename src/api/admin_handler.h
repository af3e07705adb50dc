#pragma once
// AdminHandler: the operator's REST API — GET /api/streams, GET /api/sessions,
// DELETE /api/sessions/{id}, RTMP pushes: POST/GET /api/streams/{stream}/egress,
// GET/DELETE /api/streams/{stream}/egress/{id}, rooms, mixes (/api/mixes) and recordings
// (/api/streams/{stream}/recordings, GET /api/recordings), the cluster (/api/cluster/...).

#include "api/room_signaling.h"
#include "edge/egress_control.h"
#include "edge/mix_manager.h"
#include "edge/recording_manager.h"
#include "cluster/access_policy.h"
#include "cluster/media_workers.h"
#include "cluster/directory.h"
#include "cluster/node_directory.h"
#include "net/http_server.h"

namespace rtcgate::api {

class AdminHandler final : public net::HttpHandler {
 public:
  // `egress`, `rooms` and `mixes` may be null (404 on those paths). `access` null: open; otherwise
  // (with JWT auth on) a bearer token with the admin grant, or the egress grant for pushes.
  AdminHandler(cluster::Directory& registry, cluster::MediaWorkers& workers, edge::EgressControl* egress = nullptr,
               RoomSignaling* rooms = nullptr, const cluster::AccessPolicy* access = nullptr,
               edge::MixManager* mixes = nullptr)
      : registry_(registry), workers_(workers), egress_(egress), rooms_(rooms), access_(access), mixes_(mixes) {}
  void setRecordings(edge::RecordingManager* recordings) noexcept { recordings_ = recordings; }
  // The cluster's API (/api/cluster/...) when the node is in one; 404 otherwise.
  void setCluster(cluster::NodeDirectory* cluster) noexcept { cluster_ = cluster; }
  // What nodes ask each other (/api/cluster/relays): checked by its own handler (the
  // cluster's secret), not as the admin API.
  void setRelayHandler(net::HttpHandler* relays) noexcept { relays_ = relays; }
  // Lists answer when the workers' snapshots arrive; the rest at once.
  void handle(const net::HttpRequest& request, std::string_view rest, net::HttpReply reply) override;

 private:
  void egress(const net::HttpRequest& request, const std::string& stream, std::string_view id,
              const net::HttpReply& reply);
  // GET rooms, GET/DELETE rooms/{room}, DELETE rooms/{room}/participants/{name}.
  void rooms(const net::HttpRequest& request, std::string_view rest, const net::HttpReply& reply);
  // POST/GET /api/mixes, GET/DELETE /api/mixes/{name} (admin_mixes.cc).
  void mixes(const net::HttpRequest& request, std::string_view rest, const net::HttpReply& reply);
  // POST/GET streams/{stream}/recordings, GET/DELETE .../recordings/{id}, GET recordings
  // (`stream` empty) (admin_recordings.cc).
  void recordings(const net::HttpRequest& request, const std::string& stream, std::string_view id,
                  const net::HttpReply& reply);
  // GET cluster/nodes, GET cluster/streams, POST cluster/drain (admin_cluster.cc).
  void clusterApi(const net::HttpRequest& request, std::string_view rest, const net::HttpReply& reply);
  cluster::Directory& registry_;
  cluster::MediaWorkers& workers_;
  edge::EgressControl* egress_;
  RoomSignaling* rooms_;
  const cluster::AccessPolicy* access_;
  edge::MixManager* mixes_;
  edge::RecordingManager* recordings_ = nullptr;
  cluster::NodeDirectory* cluster_ = nullptr;
  net::HttpHandler* relays_ = nullptr;
};

}  // namespace rtcgate::api
