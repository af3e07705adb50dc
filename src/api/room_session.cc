#include "api/room_session.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
#include <cmath>

#include "api/ice_servers.h"
#include "api/local_candidates.h"
#include "api/room_json.h"
#include "base/clock.h"
#include "base/random.h"
#include "cluster/session_id.h"
#include "wire/sdp/answer_builder.h"
#include "wire/sdp/answer_reader.h"
#include "wire/sdp/offer_builder.h"

namespace rtcgate::api {

namespace sdp = wire::sdp;
using json = nlohmann::json;
using room::ErrorCode;

namespace {

// The mid of a subscriber connection's data channel section (slot mids are numbers).
constexpr std::string_view kDataMid = "dc";

// A simulcast layer for a rendered size: the client renders at most this, so a layer
// above it is wasted (layers are the top size, a half and a quarter of it).
sfu::Quality qualityForSize(uint32_t width, uint32_t height) {
  const uint32_t w = width ? width : UINT32_MAX, h = height ? height : UINT32_MAX;
  if (w <= 320 && h <= 180) return sfu::Quality::kLow;
  if (w <= 640 && h <= 360) return sfu::Quality::kMedium;
  return sfu::Quality::kHigh;
}

}  // namespace

RoomSession::RoomSession(std::string name, unsigned worker, RoomContext& context)
    : ctx_(context),
      worker_(worker),
      room_(std::move(name),
            sfu::RoomLimits{.maxParticipants = context.config.maxRoomParticipants, .graceUs = context.config.roomGraceUs},
            *this) {
  if (ctx_.mixes) ctx_.mixes->setRoomSources(room_.name(), {});
}

RoomSession::~RoomSession() {
  *alive_ = false;
  for (auto& [name, r] : remotes_) releaseRemote(r);
  if (ctx_.roomDirectory) ctx_.roomDirectory->write(room_.name(), {});  // none of ours here now
  if (ctx_.mixes) ctx_.mixes->roomEnded(room_.name());
}

void RoomSession::send(const std::string& name, const std::string& text) {
  auto it = members_.find(name);
  if (it != members_.end() && it->second.channel) it->second.channel->send(text);
}

void RoomSession::sendToOthers(const std::string& name, const std::string& text) {
  for (auto& [other, m] : members_)
    if (other != name && m.channel) m.channel->send(text);
}

void RoomSession::fail(const std::string& name, ErrorCode code, std::string_view text, const std::string& rid) {
  ctx_.countError(code);
  send(name, room::errorMessage(code, text, rid));
}

RoomSession::Member* RoomSession::member(const std::string& name, uint64_t generation) {
  auto it = members_.find(name);
  return it != members_.end() && it->second.generation == generation ? &it->second : nullptr;
}

// --- joining and leaving ---

bool RoomSession::join(const std::shared_ptr<net::WebSocketChannel>& channel, const room::Join& j,
                       const std::string& rid, RoomPermissions permissions) {
  const int64_t now = ctx_.clock.nowUs();
  sfu::RoomParticipant* p = nullptr;
  if (j.resume && j.resume->participant == j.name) {
    p = room_.resume(j.name, j.resume->secret);
    if (!p) {
      ctx_.countError(ErrorCode::kUnauthorized);
      channel->send(room::errorMessage(ErrorCode::kUnauthorized, "nothing to resume: join again", rid));
      return false;
    }
    Member& m = members_[j.name];
    if (m.channel && m.channel != channel) m.channel->close(net::CloseCode::kNormal, "resumed elsewhere");
    m.channel = channel;
    if (m.pending && !m.pending->answered) {  // sent on the old socket: offer again
      p->slots.onOfferFailed(m.pending->negotiation);
      m.pending.reset();
    }
  } else {
    auto joined = room_.join(j.name, j.displayName, j.metadata.dump(), now);
    if (!joined.ok()) {
      ctx_.countError(ErrorCode::kRoomFull);
      channel->send(room::errorMessage(ErrorCode::kRoomFull, "room is full", rid));
      return false;
    }
    p = *joined;
    Member& m = members_[j.name];
    m.channel = channel;
    m.generation = nextGeneration_++;
    m.subscriberIce = transport::ice::IceCredentials::generate();
    m.sdpSessionId = randomU64() >> 2;
    m.data = j.data && permissions.subscribe;
    m.joinedMs = unixTimeMs();
    m.restartIce = m.data;  // the first offer goes out now, data section alone if need be
  }
  members_[j.name].permissions = permissions;
  const bool startMix = j.mixedAudio && permissions.subscribe && ctx_.mixes && !members_[j.name].mixedAudio;
  json others = json::array();
  for (const auto& [name, op] : room_.participants())
    if (name != j.name) others.push_back(room::participantJson(*op));
  channel->send(room::message("joined", {{"participant", room::participantJson(*p)},
                                         {"participants", others},
                                         {"resume", {{"participant", p->name}, {"secret", p->resumeSecret}}},
                                         {"graceSeconds", ctx_.config.roomGraceUs / 1'000'000},
                                         {"iceServers", iceServersJson(iceServersFor(ctx_.config, {}))}}));
  spdlog::info("room {}: {} {} ({} here){}", name(), j.name, j.resume ? "resumed" : "joined", room_.size(),
               startMix ? ", hearing the room mixed" : "");
  if (startMix) startMixedAudio(j.name, members_[j.name].generation);
  return true;
}

void RoomSession::leave(const std::string& name, std::string_view reason) {
  room_.leave(name, reason, ctx_.clock.nowUs());
}

void RoomSession::disconnected(const std::string& name, const net::WebSocketChannel* channel) {
  auto it = members_.find(name);
  if (it == members_.end() || it->second.channel.get() != channel) return;
  Member& m = it->second;
  m.channel.reset();
  if (sfu::RoomParticipant* p = room_.find(name); p && m.pending && !m.pending->answered) {
    p->slots.onOfferFailed(m.pending->negotiation);
    m.pending.reset();
  }
  room_.disconnected(name, ctx_.clock.nowUs());
  spdlog::info("room {}: {} disconnected, kept for {} s", this->name(), name, ctx_.config.roomGraceUs / 1'000'000);
}

void RoomSession::end(std::string_view reason) {
  std::vector<std::string> names;
  for (const auto& [name, p] : room_.participants()) names.push_back(name);
  for (const auto& n : names) room_.leave(n, reason, ctx_.clock.nowUs());
}

void RoomSession::closeMedia(Member& m) {
  for (auto& [c, pc] : m.publishers) {
    ctx_.directory.remove(pc.sessionId);
    ctx_.workers.closeSession(worker_, pc.sessionId, "left the room");
  }
  m.publishers.clear();
  if (!m.subscriberId.empty()) {
    ctx_.directory.remove(m.subscriberId);
    ctx_.workers.closeSession(worker_, m.subscriberId, "left the room");
    m.subscriberId.clear();
  }
}

// --- what everyone is told ---

void RoomSession::onParticipantJoined(const sfu::RoomParticipant& p) {
  localChanged(p);
  sendToOthers(p.name, room::message("participantJoined", {{"participant", room::participantJson(p)}}));
}

void RoomSession::onParticipantLeft(const sfu::RoomParticipant& p, std::string_view reason) {
  sendToOthers(p.name, room::message("participantLeft", {{"participant", p.name}, {"reason", reason}}));
  localChanged(p);
  if (auto r = remotes_.find(p.name); r != remotes_.end()) {
    releaseRemote(r->second);
    remotes_.erase(r);
  }
  auto it = members_.find(p.name);
  if (it == members_.end()) return;
  if (auto& ch = it->second.channel) {
    if (reason != "left") ch->send(room::message("left", {{"reason", reason}}));
    ch->close(net::CloseCode::kNormal, reason);
  }
  closeMedia(it->second);
  if (it->second.mixedAudio && ctx_.mixes) ctx_.mixes->unlisten(name(), room_.streamOf(p.name, sfu::TrackSource::kCamera));
  members_.erase(it);
  spdlog::info("room {}: {} left ({})", name(), p.name, reason);
}

void RoomSession::onParticipantUpdated(const sfu::RoomParticipant& p) {
  localChanged(p);
  sendToOthers(p.name, room::message("participantUpdated", {{"participant", room::participantJson(p)}}));
}

void RoomSession::onTrackPublished(const sfu::RoomParticipant& p, const sfu::RoomTrack& t) {
  localChanged(p);
  sendToOthers(p.name, room::message("trackPublished", {{"participant", p.name}, {"track", room::trackJson(t)}}));
  updateMixSources();
}

void RoomSession::onTrackUnpublished(const sfu::RoomParticipant& p, const sfu::RoomTrack& t) {
  localChanged(p);
  sendToOthers(p.name, room::message("trackUnpublished", {{"participant", p.name}, {"track", t.id}}));
  updateMixSources();
}

// --- mixing ---

void RoomSession::startMixedAudio(const std::string& name, uint64_t generation) {
  Member* m = member(name, generation);
  if (!m) return;
  m->mixedAudio = true;
  const std::string stream = room_.streamOf(name, sfu::TrackSource::kCamera);
  const std::string out = stream + ".mix";
  ctx_.mixes->listen(this->name(), worker_, stream, out,
                     [this, alive = alive_, name, generation, out](Status st) {
                       if (!*alive || !member(name, generation)) return;
                       if (!st.ok()) {
                         spdlog::warn("room {}: no mixed audio for {}: {}", this->name(), name, st.error().message);
                         send(name, room::errorMessage(ErrorCode::kUnavailable, "mixed audio is not available", ""));
                         return;
                       }
                       room_.setMixedAudio(name, out, ctx_.clock.nowUs());
                     });
}

void RoomSession::updateMixSources() {
  if (!ctx_.mixes) return;
  std::vector<std::string> sources;
  for (const auto& [name, p] : room_.participants()) {
    const std::string main = room_.streamOf(name, sfu::TrackSource::kCamera);
    for (const auto& t : p->tracks)
      if (t.stream == main) {
        sources.push_back(main);
        break;
      }
  }
  ctx_.mixes->setRoomSources(this->name(), std::move(sources));
}

void RoomSession::onTrackMuted(const sfu::RoomParticipant& p, const sfu::RoomTrack& t) {
  localChanged(p);
  sendToOthers(p.name, room::message("trackMuted", {{"participant", p.name}, {"track", t.id}, {"muted", t.muted}}));
}

// --- tracks ---

void RoomSession::mute(const std::string& name, const room::Mute& msg, const std::string& rid) {
  if (!room_.mute(name, msg.source, msg.muted))
    fail(name, ErrorCode::kBadMessage, "mute: nothing published from that source", rid);
}

void RoomSession::update(const std::string& name, const room::Update& msg) {
  room_.update(name, msg.displayName, msg.metadata ? std::optional(msg.metadata->dump()) : std::nullopt);
}

void RoomSession::subscription(const std::string& name, const room::Subscription& msg, const std::string& rid) {
  if (auto it = members_.find(name); it == members_.end() || !it->second.permissions.subscribe)
    return fail(name, ErrorCode::kUnauthorized, "subscription: the token does not grant subscribe", rid);
  sfu::RoomParticipant* p = room_.find(name);
  const sfu::RoomParticipant* owner = nullptr;
  if (!p || !room_.findTrack(msg.track, &owner) || owner == p)
    return fail(name, ErrorCode::kBadMessage, "subscription: no such track", rid);
  sfu::TrackSubscription s = p->subscription(msg.track);
  if (msg.subscribed) s.subscribed = *msg.subscribed;
  if (msg.paused) s.paused = *msg.paused;
  if (msg.layer) s.quality = *msg.layer;
  else if (msg.maxWidth || msg.maxHeight) s.quality = qualityForSize(msg.maxWidth.value_or(0), msg.maxHeight.value_or(0));
  room_.subscribe(name, msg.track, s, ctx_.clock.nowUs());
  auto it = members_.find(name);
  if (it != members_.end()) applyOptions(*p, it->second, msg.track);
}

void RoomSession::applyOptions(const sfu::RoomParticipant& p, const Member& m, const std::string& trackId) {
  const sfu::SubscriberSlot* slot = p.slots.answeredSlotFor(trackId);
  if (!slot || m.subscriberId.empty()) return;
  const sfu::TrackSubscription s = p.subscription(trackId);
  ctx_.workers.setConsumerOptions(worker_, m.subscriberId, slot->mid, {.paused = s.paused, .quality = s.quality});
}

void RoomSession::restartIce(const std::string& name) {
  auto it = members_.find(name);
  if (it == members_.end() || it->second.subscriberId.empty()) return;
  it->second.subscriberIce = transport::ice::IceCredentials::generate();
  it->second.restartIce = true;
}

// --- the subscriber connection ---

void RoomSession::onTick() {
  const int64_t now = ctx_.clock.nowUs();
  room_.expire(now);
  syncCluster(now);
  pollSpeakers(now);
  pollQuality(now);
  for (auto& [name, m] : members_) {
    sfu::RoomParticipant* p = room_.find(name);
    if (p && m.pending && !m.pending->answered && now - m.pending->sentUs > kAnswerTimeoutUs) {
      spdlog::warn("room {}: {} did not answer offer {} in time; offering again", this->name(), name,
                   m.pending->negotiation);
      p->slots.onOfferFailed(m.pending->negotiation);
      m.pending.reset();
    }
    if (!p || !m.channel || m.pending || !m.permissions.subscribe) continue;
    const auto due = p->slots.offerDueUs();
    if ((due && *due <= now) || (m.restartIce && !p->slots.inFlight())) sendOffer(name, *p, m);
  }
}

void RoomSession::pollSpeakers(int64_t nowUs) {
  if (levelsPending_ || nowUs < nextSpeakersUs_ || room_.empty()) return;
  nextSpeakersUs_ = nowUs + kSpeakersIntervalUs;
  levelsPending_ = true;
  ctx_.workers.audioLevels(worker_, name() + "/",
                           [this, alive = std::weak_ptr<bool>(alive_)](std::vector<std::pair<std::string, float>> levels) {
                             if (!alive.lock()) return;
                             levelsPending_ = false;
                             onAudioLevels(levels);
                           });
}

// The participants whose microphone is not silent, loudest first, to everyone: while anyone
// speaks at every poll, and once more when the room falls silent.
void RoomSession::onAudioLevels(const std::vector<std::pair<std::string, float>>& levels) {
  std::vector<std::pair<float, std::string>> ranked;
  const std::string prefix = name() + "/";
  for (const auto& [stream, level] : levels) {
    const std::string who = stream.substr(prefix.size());
    if (level >= kSpeakingLevel && who.find('.') == std::string::npos && room_.find(who)) ranked.emplace_back(level, who);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> names;
  json speakers = json::array();
  for (const auto& [level, who] : ranked) {
    names.push_back(who);
    speakers.push_back({{"participant", who}, {"level", std::round(level * 1000.0f) / 1000.0f}});
  }
  if (names.empty() && lastSpeakers_.empty()) return;
  lastSpeakers_ = std::move(names);
  const std::string text = room::message("speakers", {{"speakers", std::move(speakers)}});
  for (auto& [who, m] : members_)
    if (m.channel) m.channel->send(text);
}

void RoomSession::pollQuality(int64_t nowUs) {
  if (sessionsPending_ || nowUs < nextQualityUs_ || room_.empty()) return;
  nextQualityUs_ = nowUs + 2'000'000;
  sessionsPending_ = true;
  ctx_.workers.sessions([this, alive = std::weak_ptr<bool>(alive_)](std::vector<sfu::SessionInfo> sessions) {
    if (!alive.lock()) return;
    sessionsPending_ = false;
    onSessions(sessions);
  });
}

// A participant's quality is that of its worst media connection: "lost" when one is not
// connected (or its signaling is gone), else "good" ("excellent" and "poor" need loss and
// RTT figures the sessions do not report yet).
void RoomSession::onSessions(const std::vector<sfu::SessionInfo>& sessions) {
  json list = json::array();
  std::map<std::string, std::string> now;
  for (const auto& [name, m] : members_) {
    std::string q = m.channel ? "good" : "lost";
    auto check = [&](const std::string& id) {
      for (const auto& s : sessions)
        if (s.id == id && s.state != "connected") q = "lost";
    };
    for (const auto& [c, pc] : m.publishers) check(pc.sessionId);
    if (!m.subscriberId.empty()) check(m.subscriberId);
    now[name] = q;
    list.push_back({{"participant", name}, {"quality", q}});
  }
  if (now == lastQuality_) return;
  lastQuality_ = std::move(now);
  const std::string text = room::message("quality", {{"participants", std::move(list)}});
  for (auto& [who, m] : members_)
    if (m.channel) m.channel->send(text);
}

std::vector<sdp::CodecRef> RoomSession::publishedCodec(const std::string& stream, sfu::MediaKind kind) const {
  const cluster::StreamEntry* e = ctx_.directory.stream(stream);
  if (!e) return {};
  for (const auto& media : e->published)
    if (media.kind == sfu::mediaKindName(kind) && !media.codecs.empty())
      return {{media.codecs.front().name, media.codecs.front().clockRate}};
  return {};
}

void RoomSession::sendOffer(const std::string& name, sfu::RoomParticipant& p, Member& m) {
  const sfu::SubscriberOffer plan = p.slots.makeOffer();
  if (plan.slots.empty() && !m.data) {
    p.slots.onAnswered(plan.negotiation);  // nothing to receive yet: nothing to offer
    return;
  }
  std::vector<sdp::OfferSlot> slots;
  if (m.data) slots.push_back(sdp::OfferSlot{std::string(kDataMid), "application", std::nullopt, {}});
  PendingOffer pending{plan.negotiation, {}, {}, false};
  json tracks = json::array();
  for (const auto& s : plan.slots) {
    sdp::OfferSlot o{s.mid, std::string(sfu::mediaKindName(s.kind)), std::nullopt, {}};
    const sfu::RoomParticipant* owner = nullptr;
    const sfu::RoomTrack* t = s.active() ? room_.findTrack(s.track, &owner) : nullptr;
    if (s.active() && s.track == sfu::kMixTrackId) {
      // The participant's mixed audio: the room without itself, one track.
      o.track = sdp::LocalStream{s.ssrc, s.rtxSsrc, "rtcgate", "mix", sfu::kMixTrackId};
      o.codecs = publishedCodec(s.stream, s.kind);
      pending.bindings.push_back({s.mid, s.stream});
      tracks.push_back({{"mid", s.mid}, {"participant", ""}, {"track", sfu::kMixTrackId}, {"kind", "audio"},
                        {"source", "mix"}});
    } else if (t) {
      o.track = sdp::LocalStream{s.ssrc, s.rtxSsrc, "rtcgate", owner->name, t->id};
      o.codecs = publishedCodec(s.stream, s.kind);
      pending.bindings.push_back({s.mid, s.stream});
      tracks.push_back({{"mid", s.mid}, {"participant", owner->name}, {"track", t->id},
                        {"kind", sfu::mediaKindName(s.kind)}, {"source", sfu::trackSourceName(t->source)}});
    }
    slots.push_back(std::move(o));
  }
  sdp::OfferOptions options;
  options.iceUfrag = m.subscriberIce.ufrag;
  options.icePwd = m.subscriberIce.pwd;
  options.fingerprint = ctx_.certificate.sdpFingerprint();
  options.candidates = localCandidates(ctx_.workers, worker_, ctx_.config);
  options.sessionId = m.sdpSessionId;
  auto offer = sdp::OfferBuilder(options).build(slots, ++m.sdpVersion);
  if (!offer.ok()) {
    spdlog::error("room {}: cannot make an offer for {}: {}", this->name(), name, offer.error().toString());
    p.slots.onOfferFailed(plan.negotiation);
    return;
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    std::string mids;
    for (const auto& s : plan.slots) mids += " " + s.mid + "=" + (s.active() ? s.track : "-");
    spdlog::debug("room {}: offer {} to {}:{}", this->name(), plan.negotiation, name, mids);
  }
  pending.offered = std::move(offer->media);
  pending.sentUs = ctx_.clock.nowUs();
  m.pending = std::move(pending);
  m.channel->send(room::message(
      "offer", {{"negotiation", plan.negotiation}, {"sdp", std::move(offer->sdp)}, {"tracks", std::move(tracks)}}));
}

void RoomSession::answer(const std::string& name, const room::Answer& msg, const std::string& rid) {
  auto it = members_.find(name);
  sfu::RoomParticipant* p = room_.find(name);
  if (it == members_.end() || !p) return;
  Member& m = it->second;
  spdlog::debug("room {}: answer {} from {}", this->name(), msg.negotiation, name);
  if (!m.pending || m.pending->negotiation != msg.negotiation || m.pending->answered)
    return fail(name, ErrorCode::kNoOffer, "answer: no offer " + std::to_string(msg.negotiation) + " is waiting", rid);
  auto negotiated = sdp::AnswerReader(m.pending->offered).read(msg.sdp);
  if (!negotiated.ok()) {
    p->slots.onOfferFailed(msg.negotiation);
    m.pending.reset();
    return fail(name, ErrorCode::kSdpRejected, "answer: " + negotiated.error().toString(), rid);
  }
  if (m.subscriberId.empty() && ctx_.directory.sessionCount() >= ctx_.config.maxSessions) {
    p->slots.onOfferFailed(msg.negotiation);
    m.pending.reset();
    return fail(name, ErrorCode::kUnavailable, "the gateway is at its session limit", rid);
  }
  m.pending->answered = true;
  auto done = [this, alive = std::weak_ptr<bool>(alive_), name, gen = m.generation, n = msg.negotiation](Status st) {
    if (alive.lock()) onSubscriberReady(name, gen, n, st);
  };
  if (m.subscriberId.empty()) {
    m.restartIce = false;
    sfu::SessionSpec spec;
    spec.id = cluster::newSessionId();
    spec.stream = this->name();
    spec.negotiated = std::move(*negotiated);
    spec.localIce = m.subscriberIce;
    spec.createdMs = unixTimeMs();
    spec.participant = name;
    spec.sendsRoomData = m.permissions.publishData;
    m.subscriberId = spec.id;
    ctx_.directory.addSubscriber(
        {spec.id, sfu::SessionKind::kRoomSubscriber, this->name(), worker_, "", spec.negotiated.remoteIce.ufrag});
    // A connection that could not be set up leaves nothing behind: the next offer makes a new one.
    auto created = [this, alive = std::weak_ptr<bool>(alive_), name, gen = m.generation, id = spec.id,
                    done = std::move(done)](Status st) {
      if (!st.ok() && alive.lock()) {
        ctx_.directory.remove(id);
        if (Member* mm = member(name, gen); mm && mm->subscriberId == id) mm->subscriberId.clear();
      }
      done(st);
    };
    ctx_.workers.addRoomSubscriber(worker_, std::move(spec), m.pending->bindings, std::move(created));
    return;
  }
  const transport::ice::IceCredentials remoteIce{negotiated->remoteIce.ufrag, negotiated->remoteIce.pwd};
  auto update = [this, alive = std::weak_ptr<bool>(alive_), name, gen = m.generation,
                 negotiated = std::move(*negotiated), done](bool) mutable {
    Member* mm = alive.lock() ? member(name, gen) : nullptr;
    if (!mm || !mm->pending) return;
    ctx_.workers.updateConsumers(worker_, mm->subscriberId, std::move(negotiated), mm->pending->bindings, done);
  };
  if (m.restartIce) {
    m.restartIce = false;
    ctx_.workers.restartIce(worker_, m.subscriberId, m.subscriberIce, remoteIce, std::move(update));
  } else {
    update(true);
  }
}

void RoomSession::onSubscriberReady(const std::string& name, uint64_t generation, uint64_t negotiation,
                                    const Status& st) {
  Member* m = member(name, generation);
  sfu::RoomParticipant* p = room_.find(name);
  if (!m || !p || !m->pending || m->pending->negotiation != negotiation) return;
  m->pending.reset();
  if (!st.ok()) {
    p->slots.onOfferFailed(negotiation);
    spdlog::warn("room {}: subscriber of {} not updated: {}", this->name(), name, st.error().message);
    fail(name, ErrorCode::kUnavailable, std::string("subscriber connection: ") + st.error().message, "");
    return;
  }
  p->slots.onAnswered(negotiation);
  for (const auto& s : p->slots.answered())
    if (s.active()) applyOptions(*p, *m, s.track);
}

bool RoomSession::onSessionEnded(const std::string& sessionId) {
  for (auto& [name, m] : members_) {
    if (m.subscriberId == sessionId) {
      spdlog::info("room {}: subscriber connection of {} ended; offering a new one", this->name(), name);
      m.subscriberId.clear();
      m.subscriberIce = transport::ice::IceCredentials::generate();
      m.restartIce = true;  // a full offer even with nothing new to receive
      if (m.pending) {
        if (sfu::RoomParticipant* p = room_.find(name)) p->slots.onOfferFailed(m.pending->negotiation);
        m.pending.reset();
      }
      return true;
    }
    for (auto& [c, pc] : m.publishers) {
      if (pc.sessionId != sessionId) continue;
      const std::string who = name;
      const auto tracks = pc.tracks;
      m.publishers.erase(c);
      for (const auto& t : tracks) room_.unpublish(who, t.source, ctx_.clock.nowUs());
      return true;
    }
  }
  return false;
}

// --- admin ---

json RoomSession::describe() const {
  json participants = json::array();
  for (const auto& [name, p] : room_.participants()) {
    json j = room::participantJson(*p);
    auto it = members_.find(name);
    j["connected"] = it != members_.end() && it->second.channel != nullptr;
    if (auto r = remotes_.find(name); r != remotes_.end()) j["node"] = r->second.node;
    json sessions = json::array();
    if (it != members_.end()) {
      for (const auto& [c, pc] : it->second.publishers) sessions.push_back(pc.sessionId);
      if (!it->second.subscriberId.empty()) sessions.push_back(it->second.subscriberId);
    }
    j["sessions"] = sessions;
    participants.push_back(std::move(j));
  }
  return {{"name", name()}, {"worker", worker_}, {"participants", participants}};
}

}  // namespace rtcgate::api
