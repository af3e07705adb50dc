#include "api/whip_handler.h"

#include <algorithm>
#include <cctype>

#include <spdlog/spdlog.h>
#include <strings.h>

#include <nlohmann/json.hpp>

#include "api/access_response.h"
#include "api/http_util.h"
#include "api/ice_servers.h"
#include "api/local_candidates.h"
#include "base/constant_time.h"
#include "cluster/session_id.h"
#include "wire/sdp/section_common.h"
#include "cluster/stream_access.h"
#include "base/clock.h"
#include "base/hex.h"
#include "base/random.h"
#include "wire/sdp/answer_builder.h"

namespace rtcgate::api {

namespace sdp = wire::sdp;

namespace {

// Our capability for a codec the publisher negotiated, so a player is offered exactly it.
std::vector<sdp::CodecCapability> capabilityFor(const sdp::NegotiatedCodec& codec,
                                                std::vector<sdp::CodecCapability> defaults) {
  std::vector<sdp::CodecCapability> out;
  for (auto& c : defaults)
    if (strcasecmp(c.name.c_str(), codec.name.c_str()) == 0 && c.clockRate == codec.clockRate) out.push_back(c);
  return out;
}

// "a=ice-ufrag:..." and "a=ice-pwd:..." of a trickle-ice-sdpfrag body (RFC 8840 §9).
std::pair<std::string, std::string> sdpfragCredentials(std::string_view body) {
  std::string ufrag, pwd;
  while (!body.empty()) {
    const auto nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("a=ice-ufrag:", 0) == 0) ufrag = std::string(line.substr(12));
    if (line.rfind("a=ice-pwd:", 0) == 0) pwd = std::string(line.substr(10));
    if (nl == std::string_view::npos) break;
    body.remove_prefix(nl + 1);
  }
  return {ufrag, pwd};
}

// RFC 8839 §5.4: ufrag 4-256 and pwd 22-256 ice-chars (ALPHA / DIGIT / "+" / "/").
bool validIceCredentials(std::string_view ufrag, std::string_view pwd) {
  const auto iceChars = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/'; });
  };
  return ufrag.size() >= 4 && ufrag.size() <= 256 && pwd.size() >= 22 && pwd.size() <= 256 && iceChars(ufrag) &&
         iceChars(pwd);
}

}  // namespace

WhipHandler::WhipHandler(Mode mode, cluster::Directory& registry, cluster::MediaWorkers& workers, const ApiConfig& config,
                         const crypto::dtls::Certificate& certificate)
    : mode_(mode), registry_(registry), workers_(workers), config_(config), certificate_(certificate) {}

void WhipHandler::handle(const net::HttpRequest& req, std::string_view rest, net::HttpReply inner) {
  const net::HttpReply reply = withCors(req, std::move(inner));  // pages of any origin publish and play
  if (req.method() == http::verb::options) return reply(options(req));
  // POST /{stream}; PATCH and DELETE /{stream}/{session}. A stream name may hold one '/'
  // ("live/cam" for RTMP {app}/{key} names), so a session is always the last part.
  const auto method = req.method();
  if (method == http::verb::post) {
    if (!cluster::validStreamName(rest))
      return reply(errorResponse(req, http::status::bad_request,
                                 "stream name must be 1-64 of [A-Za-z0-9_.-], or two such parts joined by '/'"));
    return create(req, std::string(rest), reply);
  }
  if (method != http::verb::delete_ && method != http::verb::patch) {
    return reply(errorResponse(req, http::status::method_not_allowed,
                               "POST an SDP offer to the stream; PATCH or DELETE its session URL"));
  }
  const auto slash = rest.rfind('/');
  if (slash == std::string_view::npos || !cluster::validStreamName(rest.substr(0, slash)) || slash + 1 == rest.size())
    return reply(errorResponse(req, http::status::not_found, "no such session"));
  const std::string stream(rest.substr(0, slash)), id(rest.substr(slash + 1));
  if (method == http::verb::delete_) return reply(remove(req, stream, id));
  patch(req, stream, id, reply);
}

net::HttpResponse WhipHandler::options(const net::HttpRequest& req) const {
  auto res = net::makeResponse(req, http::status::no_content, "");
  res.set("Accept-Post", "application/sdp");
  res.set("Accept-Patch", "application/trickle-ice-sdpfrag, application/json");
  addIceServerLinks(res, config_, req);
  return res;
}

std::optional<net::HttpResponse> WhipHandler::authorize(const net::HttpRequest& req, const std::string& stream) const {
  const auto action = mode_ == Mode::kWhip ? crypto::jwt::Grant::kPublish : crypto::jwt::Grant::kSubscribe;
  const auto decision = config_.access.stream(action, stream, bearerToken(req));
  if (decision.allowed()) return std::nullopt;
  spdlog::info("{}: {} of '{}' refused: {}", mode_ == Mode::kWhip ? "whip" : "whep",
               mode_ == Mode::kWhip ? "publish" : "play", stream, decision.reason);
  return accessRefused(req, decision);
}

sdp::AnswerOptions WhipHandler::answerOptions(unsigned worker, const std::string& ufrag, const std::string& pwd) const {
  sdp::AnswerOptions o;
  o.iceUfrag = ufrag;
  o.icePwd = pwd;
  o.fingerprint = certificate_.sdpFingerprint();
  o.candidates = localCandidates(workers_, worker, config_);
  // WHIP publishers' data channel messages reach the WHEP players of the stream that
  // negotiated data channels (docs/DATA.md).
  o.dataChannels = true;
  return o;
}

void WhipHandler::create(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply) {
  if (auto denied = authorize(req, stream)) return reply(*denied);
  if (mediaType(req) != "application/sdp")
    return reply(errorResponse(req, http::status::unsupported_media_type, "Content-Type must be application/sdp"));
  if (cluster_) return place(req, stream, reply);
  admit(req, stream, reply);
}

void WhipHandler::admit(const net::HttpRequest& req, const std::string& stream, const net::HttpReply& reply) {
  const std::string id = cluster::newSessionId();
  const std::string client = limits_ ? sessionLimitKey(reply.remote(), limits_->config().exemptLoopback) : "";
  if (client.empty()) return createAdmitted(req, stream, id, reply);
  const int64_t now = SteadyClock().nowUs();
  const auto verdict = limits_->admit(client, id, now);
  if (verdict != SessionLimits::Verdict::kAdmitted) {
    auto res = errorResponse(req, http::status::too_many_requests,
                             verdict == SessionLimits::Verdict::kRateLimited
                                 ? "too many new sessions from this address, retry later"
                                 : "too many sessions from this address are still connecting");
    // A pending session settles when it connects (a second or two) or gives up; a token
    // comes back at the configured rate.
    const int retry = verdict == SessionLimits::Verdict::kRateLimited ? limits_->retryAfterSeconds(client, now) : 2;
    res.set(http::field::retry_after, std::to_string(retry));
    return reply(std::move(res));
  }
  // Pending from now until it connects or ends; at once if it is refused.
  createAdmitted(req, stream, id, net::HttpReply(
                                      [reply, limits = limits_, id](net::HttpResponse res) {
                                        if (res.result() != http::status::created) limits->settled(id);
                                        reply(std::move(res));
                                      },
                                      req.version(), req.keep_alive(), reply.remote()));
}

void WhipHandler::createAdmitted(const net::HttpRequest& req, const std::string& stream, const std::string& id,
                                 const net::HttpReply& reply) {
  if (registry_.sessionCount() >= config_.maxSessions)
    return reply(errorResponse(req, http::status::service_unavailable, "gateway at capacity, try another node"));
  const cluster::StreamEntry* entry = registry_.stream(stream);
  const bool publishing = mode_ == Mode::kWhip;
  if (publishing && entry && !entry->publisherId.empty() && !config_.replacePublisher)
    return reply(errorResponse(req, http::status::conflict, "stream '" + stream + "' is already being published"));
  if (publishing && !entry && registry_.streamCount() >= config_.maxStreams)
    return reply(errorResponse(req, http::status::service_unavailable, "gateway has its most streams (max_streams)"));
  if (!publishing && (!entry || entry->publisherId.empty()))
    return reply(errorResponse(req, http::status::not_found, "stream '" + stream + "' is not being published"));
  if (publishing || !fanout_) return startSession(req, stream, id, reply, registry_.workerFor(stream));
  // A player: on the stream's worker, or on a replica of it when that worker has its share.
  fanout_->placePlayer(stream, [this, copy = std::make_shared<net::HttpRequest>(req), stream, id, reply](unsigned worker) {
    const cluster::StreamEntry* e = registry_.stream(stream);
    if (!e || e->publisherId.empty())
      return reply(errorResponse(*copy, http::status::not_found, "stream '" + stream + "' is not being published"));
    startSession(*copy, stream, id, reply, worker);
  });
}

void WhipHandler::startSession(const net::HttpRequest& req, const std::string& stream, const std::string& id,
                               const net::HttpReply& reply, unsigned worker) {
  const bool publishing = mode_ == Mode::kWhip;
  const cluster::StreamEntry* entry = registry_.stream(stream);
  const auto ice = transport::ice::IceCredentials::generate();
  sdp::AnswerOptions options = answerOptions(worker, ice.ufrag, ice.pwd);
  if (!publishing) offerPublished(*entry, stream, options);
  auto answer = sdp::AnswerBuilder(options).build(req.body());
  if (!answer.ok()) return reply(errorResponse(req, http::status::bad_request, "cannot answer offer: " + answer.error().toString()));
  if (answer->session.media.empty())
    return reply(errorResponse(req, http::status::bad_request, "offer has no media section rtcgate can use"));

  sfu::SessionSpec spec;
  spec.id = id;
  spec.stream = stream;
  spec.negotiated = answer->session;
  spec.localIce = ice;
  if (const std::string layer = publishing ? "" : queryParam(req, "layer"); !layer.empty()) {
    const auto quality = sfu::qualityFromName(layer);
    if (!quality) return reply(errorResponse(req, http::status::bad_request, "layer must be h, m or l"));
    spec.quality = *quality;
  }
  spec.createdMs = unixTimeMs();
  cluster::SessionEntry entryOut{spec.id, publishing ? sfu::SessionKind::kPublisher : sfu::SessionKind::kSubscriber, stream,
                        worker, "\"" + cluster::newSessionId() + "\"", spec.negotiated.remoteIce.ufrag};
  // The directory holds the session from now on, so a second publisher of the stream is
  // refused while this one starts; it is forgotten again if the worker refuses or is late.
  if (publishing) registry_.addPublisher(entryOut, spec.negotiated.media);
  else registry_.addSubscriber(entryOut);
  auto started = [this, head = net::requestHead(req), entryOut, sdp = std::move(answer->sdp), reply](Status st) {
    onStarted(st, head, entryOut, sdp, reply);
  };
  if (publishing) workers_.addPublisher(worker, std::move(spec), config_.replacePublisher, std::move(started));
  else workers_.addSubscriber(worker, std::move(spec), std::move(started));
}

// A player gets exactly the publisher's codecs, and our SSRCs for what we send.
void WhipHandler::offerPublished(const cluster::StreamEntry& entry, const std::string& stream,
                                 sdp::AnswerOptions& options) const {
  options.videoCodecs.clear();
  options.audioCodecs.clear();
  for (const auto& m : entry.published) {
    if (m.codecs.empty()) continue;
    auto& list = m.kind == "video" ? options.videoCodecs : options.audioCodecs;
    auto caps =
        capabilityFor(m.codecs.front(), m.kind == "video" ? sdp::defaultVideoCodecs() : sdp::defaultAudioCodecs());
    list.insert(list.end(), caps.begin(), caps.end());
    sdp::LocalSendTrack t;
    t.kind = m.kind;
    t.stream.ssrc = randomU32() | 1;
    t.stream.rtxSsrc = m.kind == "video" ? (randomU32() | 1) : 0;
    t.stream.cname = "rtcgate";
    t.stream.streamId = stream;
    t.stream.trackId = m.kind;
    options.sendTracks.push_back(std::move(t));
  }
  // A kind the stream does not carry (an audio mix's video) is answered inactive rather
  // than rejected: Chromium cannot take an answer that rejects the first section of its
  // bundle ("Failed to setup RTCP mux").
  if (options.videoCodecs.empty()) {
    options.videoCodecs = sdp::defaultVideoCodecs();
    options.inactiveKinds.push_back("video");
  }
  if (options.audioCodecs.empty()) {
    options.audioCodecs = sdp::defaultAudioCodecs();
    options.inactiveKinds.push_back("audio");
  }
}

void WhipHandler::onStarted(const Status& st, const net::HttpRequest& head, const cluster::SessionEntry& entry,
                            const std::string& sdp, const net::HttpReply& reply) {
  const char* what = mode_ == Mode::kWhip ? "whip" : "whep";
  if (!st.ok()) {
    registry_.remove(entry.id);
    const auto code = st.error().code;
    const auto status = code == Error::Code::kState     ? http::status::conflict
                        : code == Error::Code::kTimeout ? http::status::service_unavailable
                                                        : http::status::internal_server_error;
    spdlog::warn("{}: session for stream '{}' not started: {}", what, entry.stream, st.error().message);
    return reply(errorResponse(head, status, std::string("cannot start session: ") + st.error().message));
  }
  spdlog::info("{}: session {} for stream '{}' on worker {}", what, entry.id, entry.stream, entry.worker);
  reply(created(head, entry, sdp));
}

net::HttpResponse WhipHandler::created(const net::HttpRequest& head, const cluster::SessionEntry& entry,
                                       const std::string& sdp) const {
  auto res = net::makeResponse(head, http::status::created, sdp, "application/sdp");
  res.set(http::field::location, prefix() + entry.stream + "/" + entry.id);
  res.set(http::field::etag, entry.etag);
  res.set("Accept-Patch", "application/trickle-ice-sdpfrag, application/json");
  addIceServerLinks(res, config_, head);
  return res;
}

net::HttpResponse WhipHandler::remove(const net::HttpRequest& req, const std::string& stream, const std::string& id) {
  const cluster::SessionEntry* e = registry_.find(id);
  if (!e || e->stream != stream || (e->kind == sfu::SessionKind::kPublisher) != (mode_ == Mode::kWhip))
    return errorResponse(req, http::status::not_found, "no such session");
  if (auto denied = authorize(req, stream)) return *denied;
  const unsigned worker = e->worker;
  registry_.remove(id);
  workers_.closeSession(worker, id, "ended by DELETE");
  spdlog::info("{}: session {} ended by DELETE", mode_ == Mode::kWhip ? "whip" : "whep", id);
  auto res = net::makeResponse(req, http::status::ok, "");
  return res;
}

void WhipHandler::patch(const net::HttpRequest& req, const std::string& stream, const std::string& id,
                        const net::HttpReply& reply) {
  const cluster::SessionEntry* e = registry_.find(id);
  if (!e || e->stream != stream || (e->kind == sfu::SessionKind::kPublisher) != (mode_ == Mode::kWhip))
    return reply(errorResponse(req, http::status::not_found, "no such session"));
  if (auto denied = authorize(req, stream)) return reply(*denied);
  const std::string type = mediaType(req);
  if (type == "application/json") {
    if (mode_ != Mode::kWhep) return reply(errorResponse(req, http::status::bad_request, "only players choose a layer"));
    const auto json = nlohmann::json::parse(req.body(), nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("layer") || !json["layer"].is_string())
      return reply(errorResponse(req, http::status::bad_request, "expected {\"layer\": \"h\"|\"m\"|\"l\"}"));
    const std::string layer = json["layer"];
    const auto quality = sfu::qualityFromName(layer);
    if (!quality) return reply(errorResponse(req, http::status::bad_request, "layer must be h, m or l"));
    workers_.setQuality(e->worker, id, *quality, [head = net::requestHead(req), layer, reply](bool found) {
      if (!found) return reply(errorResponse(head, http::status::not_found, "session gone"));
      reply(jsonResponse(head, http::status::ok, nlohmann::json{{"layer", layer}}.dump()));
    });
    return;
  }
  if (type != "application/trickle-ice-sdpfrag")
    return reply(errorResponse(req, http::status::unsupported_media_type,
                         "PATCH takes application/trickle-ice-sdpfrag or application/json"));
  // The entity-tag guards the media path (RFC 9725 §4.3): whoever learned the session URL
  // alone must not move it. A restart answers a new one.
  const auto ifMatch = req.find(http::field::if_match);
  if (ifMatch == req.end())
    return reply(errorResponse(req, http::status::precondition_required, "PATCH needs If-Match with the session's ETag"));
  if (!constantTimeEquals(std::string_view(ifMatch->value()), e->etag))
    return reply(errorResponse(req, http::status::precondition_failed, "If-Match does not match the session's ETag"));
  const auto [ufrag, pwd] = sdpfragCredentials(req.body());
  if (!ufrag.empty() && !pwd.empty() && ufrag != e->remoteUfrag) {
    if (!validIceCredentials(ufrag, pwd))
      return reply(errorResponse(req, http::status::bad_request,
                                 "ICE restart needs a=ice-ufrag of 4-256 and a=ice-pwd of 22-256 ice-chars"));
    return iceRestart(req, *e, req.body(), reply);
  }
  // Trickled candidates: an ICE-lite server learns the peer's addresses from its checks.
  auto res = net::makeResponse(req, http::status::no_content, "");
  reply(std::move(res));
}

void WhipHandler::iceRestart(const net::HttpRequest& req, const cluster::SessionEntry& session, std::string_view body,
                             const net::HttpReply& reply) {
  const auto [ufrag, pwd] = sdpfragCredentials(body);
  const auto local = transport::ice::IceCredentials::generate();
  workers_.restartIce(session.worker, session.id, local, {ufrag, pwd},
                      [this, head = net::requestHead(req), id = session.id, worker = session.worker, local,
                       ufrag = ufrag, reply](bool found) {
                        if (!found) return reply(errorResponse(head, http::status::not_found, "session gone"));
                        const std::string etag = "\"" + cluster::newSessionId() + "\"";
                        registry_.restartedIce(id, ufrag, etag);
                        const auto options = answerOptions(worker, local.ufrag, local.pwd);
                        std::string frag =
                            "a=ice-lite\r\na=ice-ufrag:" + local.ufrag + "\r\na=ice-pwd:" + local.pwd + "\r\n";
                        // The same candidates as the answer: UDP, then passive TCP (ICE-TCP).
                        for (const auto& c : sdp::hostCandidates(options.candidates))
                          frag += "a=candidate:" + c.toString() + "\r\n";
                        frag += "a=end-of-candidates\r\n";
                        auto res = net::makeResponse(head, http::status::ok, frag, "application/trickle-ice-sdpfrag");
                        res.set(http::field::etag, etag);
                        reply(std::move(res));
                      });
}

}  // namespace rtcgate::api
