#pragma once
// WhipHandler: WHIP (RFC 9725) publishing under /whip/ and WHEP playing under /whep/ —
// POST an offer to create a session, PATCH it (trickle, ICE restart, layer), DELETE it.

#include <string>

#include "api/api_config.h"
#include "api/session_limits.h"
#include "cluster/media_workers.h"
#include "cluster/directory.h"
#include "cluster/node_directory.h"
#include "edge/relay_manager.h"
#include "edge/worker_fanout.h"
#include "crypto/dtls/certificate.h"
#include "net/http_server.h"
#include "wire/sdp/answer_options.h"

namespace rtcgate::api {

class WhipHandler final : public net::HttpHandler {
 public:
  enum class Mode : uint8_t { kWhip, kWhep };

  WhipHandler(Mode mode, cluster::Directory& registry, cluster::MediaWorkers& workers, const ApiConfig& config,
              const crypto::dtls::Certificate& certificate);

  // New sessions count against `limits` per client address (null: not limited).
  void setSessionLimits(SessionLimits* limits) noexcept { limits_ = limits; }
  // In a cluster, new sessions are placed (served here or redirected) through `cluster`.
  // WHEP: players past what one worker should serve of a stream go to its replicas.
  void setFanout(edge::WorkerFanout* fanout) noexcept { fanout_ = fanout; }
  void setCluster(cluster::NodeDirectory* cluster, edge::RelayManager* relays = nullptr) noexcept {
    cluster_ = cluster;
    relays_ = relays;
  }

  // Answers at once, or (session setup, layer choice, ICE restart) when the worker does.
  void handle(const net::HttpRequest& request, std::string_view rest, net::HttpReply reply) override;

 private:
  net::HttpResponse options(const net::HttpRequest& req) const;
  void create(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply);
  // The session, past placement: counted against the client's limits, then created.
  void admit(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply);
  // In a cluster (api/whip_placement.cc): serves here, redirects (307) to the node that should
  // serve, or refuses with why (503 without the directory, 409, 404).
  void place(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply);
  void placePublisher(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply);
  void placePlayer(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply);
  net::HttpResponse redirect(const net::HttpRequest& req, const std::string& stream, const cluster::NodeInfo& node) const;
  // The session `id`, admitted by the per-client limits.
  // Answers the offer and starts the session on `worker`.
  void startSession(const net::HttpRequest& req, const std::string& stream, const std::string& id,
                    const net::HttpReply& reply, unsigned worker);
  void createAdmitted(const net::HttpRequest& req, const std::string& stream, const std::string& id,
                      const net::HttpReply& reply);
  net::HttpResponse remove(const net::HttpRequest& req, const std::string& stream, const std::string& id);
  void patch(const net::HttpRequest& req, const std::string& stream, const std::string& id,
             const net::HttpReply& reply);
  void iceRestart(const net::HttpRequest& req, const cluster::SessionEntry& session, std::string_view body,
                  const net::HttpReply& reply);
  void offerPublished(const cluster::StreamEntry& entry, const std::string& stream,
                      wire::sdp::AnswerOptions& options) const;
  // The worker's answer to a session setup: 201, or the error (and the session forgotten).
  void onStarted(const Status& st, const net::HttpRequest& head, const cluster::SessionEntry& entry,
                 const std::string& sdp, const net::HttpReply& reply);
  // The 201 answer to a session that started.
  net::HttpResponse created(const net::HttpRequest& head, const cluster::SessionEntry& entry, const std::string& sdp) const;
  // 401/403 when the stream's prefix needs a token the request lacks; nullopt when allowed.
  std::optional<net::HttpResponse> authorize(const net::HttpRequest& req, const std::string& stream) const;
  wire::sdp::AnswerOptions answerOptions(unsigned worker, const std::string& ufrag, const std::string& pwd) const;
  std::string prefix() const { return mode_ == Mode::kWhip ? "/whip/" : "/whep/"; }

  Mode mode_;
  cluster::Directory& registry_;
  cluster::MediaWorkers& workers_;
  const ApiConfig& config_;
  const crypto::dtls::Certificate& certificate_;
  SessionLimits* limits_ = nullptr;
  cluster::NodeDirectory* cluster_ = nullptr;
  edge::RelayManager* relays_ = nullptr;  // players of streams held elsewhere are served through relays
  edge::WorkerFanout* fanout_ = nullptr;
};

}  // namespace rtcgate::api
