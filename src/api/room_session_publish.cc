// RoomSession's publisher connections: a participant's camera, microphone and screen sent
// on connections of their own, each a publisher session on the room's worker.
#include <spdlog/spdlog.h>

#include "api/local_candidates.h"
#include "api/room_json.h"
#include "api/room_session.h"
#include "cluster/session_id.h"
#include "wire/sdp/answer_builder.h"
#include "wire/sdp/answer_reader.h"

namespace rtcgate::api {

namespace sdp = wire::sdp;
using json = nlohmann::json;
using room::ErrorCode;

namespace {

sfu::MediaKind kindOfSource(room::Source s) {
  return s == room::Source::kMicrophone ? sfu::MediaKind::kAudio : sfu::MediaKind::kVideo;
}

// The source a publisher connection carries, which names its stream.
room::Source streamSource(room::Connection c) {
  return c == room::Connection::kScreen ? room::Source::kScreen : room::Source::kCamera;
}

}  // namespace

// --- publisher connections ---

void RoomSession::publish(const std::string& name, const room::Publish& msg, const std::string& rid) {
  if (auto it = members_.find(name); it == members_.end() || !it->second.permissions.publish)
    return fail(name, ErrorCode::kUnauthorized, "publish: the token does not grant publish", rid);
  for (const auto& t : msg.tracks) {
    const bool screen = t.source == room::Source::kScreen;
    if (screen != (msg.connection == room::Connection::kScreen))
      return fail(name, ErrorCode::kBadMessage, "publish: the screen goes on the screen connection, only", rid);
  }
  startPublisher(name, msg, rid);
}

void RoomSession::startPublisher(const std::string& name, const room::Publish& msg, const std::string& rid) {
  auto it = members_.find(name);
  if (it == members_.end()) return;
  Member& m = it->second;
  const auto local = transport::ice::IceCredentials::generate();
  sdp::AnswerOptions options;
  options.iceUfrag = local.ufrag;
  options.icePwd = local.pwd;
  options.fingerprint = ctx_.certificate.sdpFingerprint();
  options.candidates = localCandidates(ctx_.workers, worker_, ctx_.config);
  auto answer = sdp::AnswerBuilder(options).build(msg.sdp);
  if (!answer.ok()) return fail(name, ErrorCode::kSdpRejected, "publish: " + answer.error().toString(), rid);
  for (const auto& t : msg.tracks) {
    const auto media = std::find_if(answer->session.media.begin(), answer->session.media.end(),
                                    [&](const sdp::NegotiatedMedia& nm) { return nm.mid == t.mid; });
    if (media == answer->session.media.end() || media->kind != sfu::mediaKindName(kindOfSource(t.source)))
      return fail(name, ErrorCode::kSdpRejected, "publish: no accepted " +
                                                     std::string(sfu::mediaKindName(kindOfSource(t.source))) +
                                                     " section with mid '" + t.mid + "'", rid);
  }
  PublisherConnection pc{{}, answer->session.remoteIce.ufrag, answer->session.remoteFingerprint.value, msg.tracks};
  // The same connection offering new ICE credentials: an ICE restart, the session stays.
  if (auto old = m.publishers.find(msg.connection); old != m.publishers.end() &&
                                                    old->second.remoteFingerprint == pc.remoteFingerprint &&
                                                    old->second.remoteUfrag != pc.remoteUfrag) {
    ctx_.workers.restartIce(worker_, old->second.sessionId, local,
                            {answer->session.remoteIce.ufrag, answer->session.remoteIce.pwd},
                            [this, alive = std::weak_ptr<bool>(alive_), name, gen = m.generation, c = msg.connection,
                             ufrag = pc.remoteUfrag, sdpText = answer->sdp, rid](bool found) {
                              Member* mm = alive.lock() ? member(name, gen) : nullptr;
                              if (!mm) return;
                              if (!found) return fail(name, ErrorCode::kUnavailable, "publish: session gone", rid);
                              mm->publishers[c].remoteUfrag = ufrag;
                              send(name, room::message("publishAnswer", {{"connection", room::connectionName(c)},
                                                                         {"sdp", sdpText}}));
                            });
    return;
  }
  sfu::SessionSpec spec;
  spec.stream = room_.streamOf(name, streamSource(msg.connection));
  // A room publishes its own streams only: one that a WHIP, RTMP or other client publishes
  // under the same name is not taken over; this connection's own earlier session may be.
  if (const cluster::StreamEntry* s = ctx_.directory.stream(spec.stream); s && !s->publisherId.empty()) {
    const auto own = m.publishers.find(msg.connection);
    if (own == m.publishers.end() || own->second.sessionId != s->publisherId)
      return fail(name, ErrorCode::kUnauthorized, "stream " + spec.stream + " is published by another client", rid);
  }
  if (ctx_.directory.sessionCount() >= ctx_.config.maxSessions)
    return fail(name, ErrorCode::kUnavailable, "the gateway is at its session limit", rid);
  spec.id = cluster::newSessionId();
  spec.negotiated = answer->session;
  spec.localIce = local;
  spec.createdMs = unixTimeMs();
  pc.sessionId = spec.id;
  ctx_.directory.addPublisher({spec.id, sfu::SessionKind::kPublisher, spec.stream, worker_, "", pc.remoteUfrag},
                              spec.negotiated.media);
  ctx_.workers.addPublisher(worker_, std::move(spec), true,
                            [this, alive = std::weak_ptr<bool>(alive_), name, gen = m.generation, c = msg.connection, pc,
                             sdpText = answer->sdp, rid](Status st) {
                              if (alive.lock()) onPublisherStarted(name, gen, c, pc, sdpText, st, rid);
                            });
}

void RoomSession::onPublisherStarted(const std::string& name, uint64_t generation, room::Connection c,
                                     PublisherConnection pc, const std::string& sdpText, const Status& st,
                                     const std::string& rid) {
  Member* m = member(name, generation);
  if (!m) {  // left meanwhile
    ctx_.directory.remove(pc.sessionId);
    ctx_.workers.closeSession(worker_, pc.sessionId, "left the room");
    return;
  }
  if (!st.ok()) {
    ctx_.directory.remove(pc.sessionId);
    return fail(name, ErrorCode::kUnavailable, std::string("publish: ") + st.error().message, rid);
  }
  std::vector<room::PublishedTrack> before;
  if (auto old = m->publishers.find(c); old != m->publishers.end()) before = old->second.tracks;  // replaced on the worker
  m->publishers[c] = pc;
  send(name, room::message("publishAnswer", {{"connection", room::connectionName(c)}, {"sdp", sdpText}}));
  const int64_t now = ctx_.clock.nowUs();
  for (const auto& t : before)
    if (std::none_of(pc.tracks.begin(), pc.tracks.end(), [&](const auto& n) { return n.source == t.source; }))
      room_.unpublish(name, t.source, now);
  for (const auto& t : pc.tracks) room_.publish(name, t.source, kindOfSource(t.source), now);
}

void RoomSession::unpublish(const std::string& name, room::Connection c) {
  auto it = members_.find(name);
  if (it == members_.end()) return;
  closePublisher(name, it->second, c);
}

void RoomSession::closePublisher(const std::string& name, Member& m, room::Connection c) {
  auto it = m.publishers.find(c);
  if (it == m.publishers.end()) return;
  ctx_.directory.remove(it->second.sessionId);
  ctx_.workers.closeSession(worker_, it->second.sessionId, "unpublished");
  const auto tracks = it->second.tracks;
  m.publishers.erase(it);
  for (const auto& t : tracks) room_.unpublish(name, t.source, ctx_.clock.nowUs());
}

}  // namespace rtcgate::api
