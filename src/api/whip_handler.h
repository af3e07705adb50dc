#pragma once
// WhipHandler: WHIP (RFC 9725) publishing under /whip/ and WHEP playing under /whep/ —
// POST an offer to create a session, PATCH it (trickle, ICE restart, layer), DELETE it.

#include <string>

#include "api/api_config.h"
#include "api/media_workers.h"
#include "api/session_registry.h"
#include "crypto/dtls/certificate.h"
#include "net/http_server.h"
#include "wire/sdp/answer_options.h"

namespace rtcgate::api {

class WhipHandler final : public net::HttpHandler {
 public:
  enum class Mode : uint8_t { kWhip, kWhep };

  WhipHandler(Mode mode, SessionRegistry& registry, MediaWorkers& workers, const ApiConfig& config,
              const crypto::dtls::Certificate& certificate);

  // Answers at once, or (session setup, layer choice, ICE restart) when the worker does.
  void handle(const net::HttpRequest& request, std::string_view rest, net::HttpReply reply) override;

 private:
  net::HttpResponse options(const net::HttpRequest& req) const;
  void create(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply);
  net::HttpResponse remove(const net::HttpRequest& req, const std::string& stream, const std::string& id);
  void patch(const net::HttpRequest& req, const std::string& stream, const std::string& id,
             const net::HttpReply& reply);
  void iceRestart(const net::HttpRequest& req, const SessionEntry& session, std::string_view body,
                  const net::HttpReply& reply);
  // The 201 answer to a session that started.
  net::HttpResponse created(const net::HttpRequest& head, const SessionEntry& entry, const std::string& sdp) const;
  // 401/403 when the stream's prefix needs a token the request lacks; nullopt when allowed.
  std::optional<net::HttpResponse> authorize(const net::HttpRequest& req, const std::string& stream) const;
  wire::sdp::AnswerOptions answerOptions(unsigned worker, const std::string& ufrag, const std::string& pwd) const;
  std::string prefix() const { return mode_ == Mode::kWhip ? "/whip/" : "/whep/"; }

  Mode mode_;
  SessionRegistry& registry_;
  MediaWorkers& workers_;
  const ApiConfig& config_;
  const crypto::dtls::Certificate& certificate_;
};

// Stream names: 1–64 of [A-Za-z0-9_.-], or two such parts joined by one '/' (RTMP
// "{app}/{key}" names), so they are safe in URLs, logs and metrics.
bool validStreamName(std::string_view name) noexcept;

}  // namespace rtcgate::api
