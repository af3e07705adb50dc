#include "edge/rtmp_server.h"

#include "edge/relay_manager.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "cluster/stream_access.h"
#include "cluster/session_id.h"

namespace rtcgate::edge {

using transport::rtmp::RtmpDecision;

namespace {


// The value of `name` in a query string "a=1&token=x".
std::string queryValue(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace

std::vector<wire::sdp::NegotiatedMedia> rtmpPublishedMedia() {
  wire::sdp::NegotiatedMedia video;
  video.mid = "0";
  video.kind = "video";
  video.codecs.push_back({sfu::FramePublisher::kH264PayloadType, "H264", 90000, 0, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                          {}, std::nullopt});
  wire::sdp::NegotiatedMedia audio;
  audio.mid = "1";
  audio.kind = "audio";
  audio.codecs.push_back({sfu::FramePublisher::kOpusPayloadType, "opus", 48000, 2, "minptime=10;useinbandfec=1", {}, std::nullopt});
  return {std::move(audio), std::move(video)};
}

RtmpServer::RtmpServer(net::EventLoop& control, Executor& executor, cluster::Directory& registry, cluster::WorkerPool& workers,
                       RtmpServerOptions options, Clock* clock)
    : clock_(clock ? *clock : steadyClock_),
      executor_(executor),
      registry_(registry),
      workers_(workers),
      options_(std::move(options)),
      listener_(control, *this) {}

RtmpServer::~RtmpServer() { closeAll("shutdown"); }

Status RtmpServer::listen(const SocketAddress& address) { return listener_.listen(address); }

void RtmpServer::closeAll(const std::string& reason) {
  listener_.close();
  auto connections = connections_;  // closing removes them
  for (auto& [id, c] : connections) c->close(reason);
}

void RtmpServer::closeConnection(const std::string& id, const std::string& reason) {
  auto it = connections_.find(id);
  if (it != connections_.end()) it->second->close(reason);
}

void RtmpServer::onAccepted(boost::asio::ip::tcp::socket socket) {
  if (connections_.size() >= options_.maxConnections) {
    spdlog::warn("rtmp: connection refused: {} connections open (max_connections)", connections_.size());
    boost::system::error_code ec;
    socket.close(ec);
    return;
  }
  auto c = std::make_shared<RtmpConnection>(*this, std::move(socket), cluster::newSessionId(), options_.session,
                                            options_.limits, clock_);
  connections_.emplace(c->id(), c);
  c->start();
}

std::string loggableStreamKey(std::string_view key) {
  const size_t q = key.find('?');
  std::string out(key.substr(0, std::min<size_t>(q, 64)));
  if (q != std::string_view::npos) out += "?(query hidden)";
  else if (key.size() > 64) out += "...";
  return out;
}

RtmpServer::Target RtmpServer::parseKey(std::string_view app, std::string_view key) const {
  Target t;
  const auto q = key.find('?');
  std::string name(key.substr(0, q));
  if (q != std::string_view::npos) t.token = queryValue(key.substr(q + 1), "token");
  if (options_.streamNameWithApp) name = std::string(app) + "/" + name;
  if (cluster::validStreamName(name)) t.stream = std::move(name);
  return t;
}

bool RtmpServer::authorized(const Target& t, const RtmpConnection& c, bool publish) const {
  const auto grant = publish ? crypto::jwt::Grant::kPublish : crypto::jwt::Grant::kSubscribe;
  const auto decision = options_.access.stream(grant, t.stream, t.token);
  if (decision.allowed()) return true;
  // The token itself is never logged (it is a credential).
  spdlog::warn("rtmp {} ({}): {} of '{}' refused: {}{}", c.id(), c.peer(), publish ? "publish" : "play", t.stream,
               decision.reason, t.token.empty() ? " (pass it as ?token= in the stream key)" : "");
  return false;
}

RtmpDecision RtmpServer::decidePublish(RtmpConnection& c, std::string_view app, std::string_view key) {
  const Target t = parseKey(app, key);
  if (t.stream.empty()) {
    spdlog::warn("rtmp {} ({}): publish refused: bad stream key '{}'", c.id(), c.peer(), loggableStreamKey(key));
    return RtmpDecision::kReject;
  }
  if (!authorized(t, c, true)) return RtmpDecision::kReject;
  const cluster::StreamEntry* entry = registry_.stream(t.stream);
  if (entry && !entry->publisherId.empty() && !options_.replacePublisher) {
    spdlog::warn("rtmp {} ({}): publish refused: stream '{}' is already being published", c.id(), c.peer(), t.stream);
    return RtmpDecision::kReject;
  }
  if (!entry && draining_ && draining_()) {
    spdlog::warn("rtmp {} ({}): publish of '{}' refused: this node is draining", c.id(), c.peer(), t.stream);
    return RtmpDecision::kReject;
  }
  if (registry_.sessionCount() >= options_.maxSessions || (!entry && registry_.streamCount() >= options_.maxStreams)) {
    spdlog::warn("rtmp {} ({}): publish refused: gateway at capacity (max_sessions or max_streams)", c.id(), c.peer());
    return RtmpDecision::kReject;
  }
  const unsigned worker = registry_.workerFor(t.stream);
  // Held in the directory while the worker sets it up, so a second publisher is refused
  // meanwhile; forgotten if the worker refuses or does not answer in time.
  registry_.addPublisher({c.id(), sfu::SessionKind::kRtmpPublisher, t.stream, worker, "", ""}, rtmpPublishedMedia());
  workers_.addFramePublisher(
      worker, c.id(), t.stream, sfu::SessionKind::kRtmpPublisher, options_.replacePublisher,
      answerWhenSet(c, true, t.stream, app, worker));
  return RtmpDecision::kPending;
}

RtmpDecision RtmpServer::decidePlay(RtmpConnection& c, std::string_view app, std::string_view key) {
  const Target t = parseKey(app, key);
  if (t.stream.empty()) {
    spdlog::warn("rtmp {} ({}): play refused: bad stream key '{}'", c.id(), c.peer(), loggableStreamKey(key));
    return RtmpDecision::kReject;
  }
  if (!authorized(t, c, false)) return RtmpDecision::kReject;
  const cluster::StreamEntry* entry = registry_.stream(t.stream);
  if ((!entry || entry->publisherId.empty()) && relays_) {
    // Held on another node (or nowhere): relayed here once for every player of this node.
    relays_->pull(t.stream, [this, weak = c.weak_from_this(), t, app = std::string(app)](std::optional<RelayError> error) {
      auto conn = weak.lock();
      if (!conn) return;
      if (error) {
        spdlog::warn("rtmp {} ({}): play of '{}' refused: {}", conn->id(), conn->peer(), t.stream, error->reason);
        return conn->settle(false, false, t.stream, 0);
      }
      if (beginPlay(*conn, t, app) == RtmpDecision::kReject) conn->settle(false, false, t.stream, 0);
    });
    return RtmpDecision::kPending;
  }
  return beginPlay(c, t, app);
}

RtmpDecision RtmpServer::beginPlay(RtmpConnection& c, const Target& t, std::string_view app) {
  const cluster::StreamEntry* entry = registry_.stream(t.stream);
  if (!entry || entry->publisherId.empty()) {
    spdlog::warn("rtmp {} ({}): play refused: stream '{}' is not being published", c.id(), c.peer(), t.stream);
    return RtmpDecision::kReject;
  }
  if (registry_.sessionCount() >= options_.maxSessions) {
    spdlog::warn("rtmp {} ({}): play refused: gateway at capacity", c.id(), c.peer());
    return RtmpDecision::kReject;
  }
  const unsigned worker = entry->worker;
  const sfu::FrameWants wants{media::MediaCodec::kH264, media::MediaCodec::kAac, false};
  registry_.addSubscriber({c.id(), sfu::SessionKind::kRtmpPlayer, t.stream, worker, "", ""});
  c.expectFrames();
  workers_.addFrameSink(
      worker, c.id(), t.stream, sfu::SessionKind::kRtmpPlayer,
      std::make_unique<sfu::PostingFrameSink>(executor_, c.weak_from_this(), wants),
      answerWhenSet(c, false, t.stream, app, worker));
  return RtmpDecision::kPending;
}

cluster::Completion<Status> RtmpServer::answerWhenSet(RtmpConnection& c, bool publisher, const std::string& stream,
                                                     std::string_view app, unsigned worker) {
  return [this, weak = c.weak_from_this(), id = c.id(), stream, app = std::string(app), worker, publisher](Status st) {
    auto conn = weak.lock();
    const char* what = publisher ? "publish" : "play";
    if (!st.ok()) {
      registry_.remove(id);
      if (conn) {
        spdlog::warn("rtmp {} ({}): {} of '{}' refused: {}", id, conn->peer(), what, stream, st.error().message);
        conn->settle(false, publisher, stream, worker);
      }
      return;
    }
    // A connection that closed meanwhile has removed its session already (posted after this one).
    if (!conn || !registry_.find(id)) return;
    spdlog::info("rtmp {} ({}): {} '{}' (app '{}') on worker {}", id, conn->peer(), publisher ? "publishing" : "playing",
                 stream, app, worker);
    conn->settle(true, publisher, stream, worker);
  };
}

void RtmpServer::onConnectionClosed(RtmpConnection& c, const std::string& reason) {
  spdlog::info("rtmp {} ({}): closed: {}", c.id(), c.peer(), reason.empty() ? "connection ended" : reason);
  if (const cluster::SessionEntry* e = registry_.find(c.id())) {
    // Also for a publish or play still being set up: the removal is posted after the setup.
    const unsigned worker = e->worker;
    const bool publisher = e->kind == sfu::SessionKind::kRtmpPublisher;
    registry_.remove(c.id());
    if (publisher) workers_.removeFramePublisher(worker, c.id(), c.endedByPeer(), reason);
    else workers_.removeFrameSink(worker, c.id());
  }
  connections_.erase(c.id());
}

}  // namespace rtcgate::edge
