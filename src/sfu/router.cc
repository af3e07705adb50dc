#include "sfu/router.h"

#include "sfu/subscriber_slots.h"

namespace rtcgate::sfu {

Router::~Router() {
  // Relays first, while the streams they take and their publishers are still whole: their
  // far ends hear at once (BYE, DTLS close_notify) rather than after a consent timeout.
  auto senders = std::move(relaySenders_);
  relaySenders_.clear();
  for (auto& [id, r] : senders) {
    r->setListener(nullptr);
    r->close(false, "shutdown");
  }
  senders.clear();
  auto links = std::move(links_);
  links_.clear();
  for (auto& [id, link] : links) link->close("shutdown");
  // Taken out first: closing reports back through onSessionEnded, which must find nothing.
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [id, s] : sessions) s->close("shutdown");
  graveyard_.clear();
  for (auto& [id, fp] : framePublishers_) fp->detach();
  for (auto& [name, stream] : streams_) stream->endFrameSinks("shutdown");
}

Stream& Router::streamFor(const std::string& name) {
  auto& slot = streams_[name];
  if (!slot) slot = std::make_unique<Stream>(name, host_.streamContext());
  return *slot;
}

Status Router::addPublisher(SessionSpec spec, bool replace) {
  if (sessions_.count(spec.id)) return Error::state("duplicate session id");
  Stream& stream = streamFor(spec.stream);
  StreamSource* previous = stream.publisher();
  if (previous && !replace) return Error::state("stream already published");
  const std::string name = spec.stream;
  auto session = std::make_unique<Peer>(host_, std::move(spec), SessionKind::kPublisher, counters_);
  if (Status st = session->start(); !st.ok()) {
    eraseIfEmpty(name);  // a session that could not start leaves no empty stream behind
    return st;
  }
  session->attach(&stream);
  // The new publisher takes over first, so closing the old one does not end the stream.
  stream.setPublisher(session.get());
  const std::string id = session->id();
  sessions_.emplace(id, std::move(session));
  if (previous) previous->endSource("replaced by a new publisher");
  return {};
}

Status Router::addSubscriber(SessionSpec spec) {
  if (sessions_.count(spec.id)) return Error::state("duplicate session id");
  Stream& stream = streamFor(spec.stream);
  const std::string name = spec.stream;
  auto session = std::make_unique<Peer>(host_, std::move(spec), SessionKind::kSubscriber, counters_);
  if (Status st = session->start(); !st.ok()) {
    eraseIfEmpty(name);
    return st;
  }
  session->attach(&stream);
  for (Consumer* c : session->consumers()) stream.addConsumer(c);
  const std::string id = session->id();
  sessions_.emplace(id, std::move(session));
  return {};
}

Status Router::addRoomSubscriber(SessionSpec spec, const std::vector<ConsumerBinding>& bindings) {
  if (sessions_.count(spec.id)) return Error::state("duplicate session id");
  // A track and its RTX per slot we may send, and the browser's few of its own.
  spec.maxSsrcs = 2 * SubscriberSlots::kMaxSlots + 8;
  auto session = std::make_unique<Peer>(host_, std::move(spec), SessionKind::kRoomSubscriber, counters_);
  RTCGATE_TRY(session->start());
  Peer& peer = *session;
  const std::string id = peer.id();
  sessions_.emplace(id, std::move(session));
  joinRoomData(peer);
  return updateConsumers(id, peer.spec().negotiated, bindings);
}

void Router::joinRoomData(Peer& p) {
  if (!p.spec().negotiated.data || p.spec().participant.empty()) return;
  auto& room = roomData_[p.streamName()];
  if (!room) room = std::make_unique<RoomData>();
  p.setRoomData(room.get());
}

void Router::leaveRoomData(Peer& p) {
  if (!p.roomData()) return;
  p.setRoomData(nullptr);
  auto it = roomData_.find(p.streamName());
  if (it != roomData_.end() && it->second->empty()) roomData_.erase(it);
}

Status Router::updateConsumers(const std::string& id, const wire::sdp::NegotiatedSession& negotiated,
                               const std::vector<ConsumerBinding>& bindings) {
  Peer* peer = find(id);
  if (!peer || peer->kind() != SessionKind::kRoomSubscriber) return Error{Error::Code::kNotFound, "no such subscriber"};
  auto bound = [&](const std::string& mid) -> const ConsumerBinding* {
    for (const auto& b : bindings)
      if (b.mid == mid) return &b;
    return nullptr;
  };
  auto sends = [&](const std::string& mid) -> const wire::sdp::NegotiatedMedia* {
    for (const auto& m : negotiated.media)
      if (m.mid == mid && m.local && !m.codecs.empty()) return &m;
    return nullptr;
  };
  // Leaving: no longer sent on, or the m-line now carries another track (new SSRC).
  for (Consumer* c : peer->consumers()) {
    const ConsumerBinding* b = bound(c->mid());
    const auto* m = sends(c->mid());
    // (The codec too: a track republished with another codec while an offer was out keeps its SSRC.)
    const bool same = b && m && c->stream() && c->stream()->name() == b->stream && m->local->ssrc == c->ssrc() &&
                      m->codecs.front().pt == c->payloadType();
    if (!same) detachConsumer(*peer, *c);
  }
  for (const auto& b : bindings) {
    const auto* m = sends(b.mid);
    if (m && !peer->consumerForMid(b.mid)) attachConsumer(*peer, *m, b.stream);
  }
  return {};
}

void Router::attachConsumer(Peer& peer, const wire::sdp::NegotiatedMedia& media, const std::string& name) {
  Consumer& c = peer.addConsumer(media);
  Stream& stream = streamFor(name);
  c.attach(&stream);
  stream.addConsumer(&c);
  c.onSourceChanged();
  if (peer.transport().state() == transport::TransportState::kConnected) c.onConnected();
}

void Router::detachConsumer(Peer& peer, Consumer& c) {
  if (Stream* stream = c.stream()) {
    const std::string name = stream->name();
    stream->removeConsumer(&c);
    c.attach(nullptr);
    eraseIfEmpty(name);
  }
  peer.removeConsumer(c);
}

bool Router::setConsumerOptions(const std::string& id, const std::string& mid, ConsumerOptions options) {
  Peer* peer = find(id);
  Consumer* c = peer ? peer->consumerForMid(mid) : nullptr;
  if (!c) return false;
  c->setQuality(options.quality);
  c->setPaused(options.paused);
  return true;
}

Peer* Router::find(const std::string& id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

bool Router::closeSession(const std::string& id, std::string_view reason) {
  if (auto fp = framePublishers_.find(id); fp != framePublishers_.end()) {
    fp->second->endSource(reason);  // reports back through onFramePublisherEnded
    return true;
  }
  if (auto sink = frameSinks_.find(id); sink != frameSinks_.end()) {
    sink->second.sink->onStreamEnded(reason);
    return removeFrameSink(id);
  }
  if (auto relay = relaySenders_.find(id); relay != relaySenders_.end()) {
    relay->second->close(false, reason);  // reports back through onRelaySenderEnded
    return true;
  }
  Peer* s = find(id);
  if (!s) return false;
  s->close(reason);  // reports ended through the host, which calls onSessionEnded
  return true;
}

bool Router::setQuality(const std::string& id, Quality quality) {
  Peer* p = find(id);
  if (!p || p->kind() != SessionKind::kSubscriber) return false;
  p->setQuality(quality);
  return true;
}

void Router::detach(Peer& p) {
  if (p.kind() == SessionKind::kRoomSubscriber) {
    for (Consumer* c : p.consumers()) detachConsumer(p, *c);
    leaveRoomData(p);
    return;
  }
  auto it = streams_.find(p.streamName());
  p.attach(nullptr);
  if (it == streams_.end()) return;
  Stream& stream = *it->second;
  stream.removePublisher(&p);
  for (Consumer* c : p.consumers()) stream.removeConsumer(c);
  if (stream.empty()) eraseStream(it);
}

void Router::endStream(Stream& stream, std::string_view reason) {
  const std::string name = stream.name();
  stream.setOrphanedSinceUs(0);  // ended once; room subscribers' consumers may keep it
  // Frame sinks first: they hold the stream non-empty, so it survives the closes below.
  stream.endFrameSinks(reason);
  std::erase_if(frameSinks_, [&](const auto& e) { return e.second.info.stream == name; });
  // Collected first: each close detaches a player from the stream (and may erase it).
  std::vector<Peer*> players;
  for (auto& [id, peer] : sessions_)
    if (peer->streamName() == name && peer->kind() == SessionKind::kSubscriber && !peer->ended()) players.push_back(peer.get());
  for (auto* p : players) p->close(reason);
  endRelaySenders(name, true, reason);
  eraseIfEmpty(name);
}

void Router::eraseIfEmpty(const std::string& name) {
  auto it = streams_.find(name);
  if (it != streams_.end() && it->second->empty()) eraseStream(it);
}

void Router::eraseStream(std::map<std::string, std::unique_ptr<Stream>>::iterator it) {
  endedRenditions_.merge(it->second->renditionCounters());
  streams_.erase(it);
}

RenditionCounters Router::renditionCounters() const {
  RenditionCounters total = endedRenditions_;
  for (const auto& [name, s] : streams_) total.merge(s->renditionCounters());
  return total;
}

size_t Router::renditionsRunning() const {
  size_t n = 0;
  for (const auto& [name, s] : streams_) n += s->renditionsRunning();
  return n;
}

Status Router::addFramePublisher(std::string id, std::string streamName, SessionKind kind, bool replace,
                                 int64_t createdMs) {
  if (sessions_.count(id) || framePublishers_.count(id) || frameSinks_.count(id)) return Error::state("duplicate session id");
  Stream& stream = streamFor(streamName);
  StreamSource* previous = stream.publisher();
  if (previous && !replace) return Error::state("stream already published");
  auto fp = std::make_unique<FramePublisher>(host_, *this, id, streamName, kind, createdMs);
  fp->attach(&stream);
  stream.setPublisher(fp.get());
  framePublishers_.emplace(id, std::move(fp));
  if (previous) previous->endSource("replaced by a new publisher");
  return {};
}

bool Router::pushFrame(const std::string& id, const std::shared_ptr<const media::MediaFrame>& frame,
                       bool videoReorders) {
  auto it = framePublishers_.find(id);
  if (it == framePublishers_.end()) return false;
  it->second->pushFrame(frame, videoReorders);
  return true;
}

bool Router::pushTimedData(const std::string& id, int64_t ptsUs,
                           const std::shared_ptr<const std::vector<uint8_t>>& bytes) {
  auto it = framePublishers_.find(id);
  if (it == framePublishers_.end()) return false;
  it->second->pushTimedData(ptsUs, bytes);
  return true;
}

bool Router::removeFramePublisher(const std::string& id, bool onPurpose, std::string_view) {
  if (!framePublishers_.count(id)) return false;
  retireFramePublisher(id, onPurpose);
  return true;
}

void Router::onFramePublisherEnded(const std::string& id, std::string_view reason) {
  host_.onFrameSourceEnded(id, reason);
  retireFramePublisher(id, true);
}

void Router::retireFramePublisher(const std::string& id, bool onPurpose) {
  auto it = framePublishers_.find(id);
  if (it == framePublishers_.end()) return;
  std::unique_ptr<FramePublisher> fp = std::move(it->second);
  framePublishers_.erase(it);
  endedDrops_.merge(fp->drops());
  const std::string name = fp->streamName();
  fp->detach();
  auto st = streams_.find(name);
  if (st != streams_.end() && st->second->publisher() == fp.get()) {
    st->second->removePublisher(fp.get());
    if (onPurpose) endStream(*st->second, "the publisher ended the stream");
    else st->second->setOrphanedSinceUs(host_.clock().nowUs());
  }
  // Possibly inside one of its own calls (endSource): destroyed on the next tick.
  frameGraveyard_.push_back(std::move(fp));
  eraseIfEmpty(name);
}

Status Router::addFrameSink(std::string id, std::string streamName, SessionKind kind, std::unique_ptr<FrameSink> sink,
                            int64_t createdMs) {
  if (sessions_.count(id) || framePublishers_.count(id) || frameSinks_.count(id)) return Error::state("duplicate session id");
  auto st = streams_.find(streamName);
  if (st == streams_.end() || !st->second->publisher()) return Error{Error::Code::kNotFound, "stream is not being published"};
  FrameSinkEntry entry;
  entry.info.id = id;
  entry.info.kind = kind;
  entry.info.stream = streamName;
  entry.info.state = "connected";
  entry.info.worker = worker_;
  entry.info.createdMs = createdMs;
  entry.sink = std::move(sink);
  FrameSink* raw = entry.sink.get();
  frameSinks_.emplace(std::move(id), std::move(entry));
  st->second->addFrameSink(raw);
  return {};
}

bool Router::removeFrameSink(const std::string& id) {
  auto it = frameSinks_.find(id);
  if (it == frameSinks_.end()) return false;
  const std::string name = it->second.info.stream;
  if (auto st = streams_.find(name); st != streams_.end()) st->second->removeFrameSink(it->second.sink.get());
  frameSinks_.erase(it);
  eraseIfEmpty(name);
  return true;
}

bool Router::requestSinkKeyframe(const std::string& id) {
  auto it = frameSinks_.find(id);
  if (it == frameSinks_.end()) return false;
  if (auto st = streams_.find(it->second.info.stream); st != streams_.end())
    st->second->requestSinkKeyframe(it->second.sink.get());
  return true;
}

bool Router::hasStreamPublisher(const std::string& stream) const {
  auto it = streams_.find(stream);
  return it != streams_.end() && it->second->publisher();
}

void Router::onPeerEnded(Peer& session) {
  auto it = sessions_.find(session.id());
  if (it == sessions_.end() || it->second.get() != &session) return;
  auto st = streams_.find(session.streamName());
  const bool wasPublisher = st != streams_.end() &&
                            (session.kind() == SessionKind::kPublisher || session.kind() == SessionKind::kRelayIn) &&
                            st->second->publisher() == &session;
  detach(session);
  if (wasPublisher && (st = streams_.find(session.streamName())) != streams_.end()) {
    if (session.transport().state() == transport::TransportState::kClosed) {
      // Ended on purpose (DELETE, admin, DTLS close_notify): the broadcast is over.
      endStream(*st->second, "the publisher ended the stream");
    } else {
      // Lost (consent, ICE or DTLS failure): subscribers wait for it to come back.
      st->second->setOrphanedSinceUs(host_.clock().nowUs());
    }
  }
  endedDrops_.merge(session.transport().drops());
  graveyard_.push_back(std::move(it->second));
  sessions_.erase(it);
}

void Router::onTick(int64_t nowUs) {
  graveyard_.clear();
  frameGraveyard_.clear();
  tickRelays(nowUs);
  // A tick may end sessions (consent expiry), which leaves sessions_: walk a snapshot. The
  // ended ones stay alive in the graveyard until the next tick.
  ticking_.clear();
  for (auto& [id, s] : sessions_) ticking_.push_back(s.get());
  for (Peer* s : ticking_) s->onTick(nowUs);
  std::vector<Stream*> expired;
  for (auto& [name, stream] : streams_) {
    const int64_t since = stream->orphanedSinceUs();
    if (since && !stream->publisher() && nowUs - since >= publisherGraceUs_) expired.push_back(stream.get());
  }
  for (auto* stream : expired) endStream(*stream, "the publisher did not come back");
}

std::vector<SessionInfo> Router::sessions() const {
  std::vector<SessionInfo> out;
  for (const auto& [id, s] : sessions_) out.push_back(s->info(worker_));
  for (const auto& [id, fp] : framePublishers_) out.push_back(fp->info(worker_));
  for (const auto& [id, e] : frameSinks_) out.push_back(e.info);
  for (const auto& [id, r] : relaySenders_) out.push_back(r->info(worker_));
  return out;
}

std::vector<StreamInfo> Router::streams() const {
  std::vector<StreamInfo> out;
  for (const auto& [name, s] : streams_) out.push_back(s->info(worker_));
  return out;
}

std::vector<std::pair<std::string, float>> Router::audioLevels(std::string_view prefix) const {
  std::vector<std::pair<std::string, float>> out;
  const int64_t now = host_.clock().nowUs();
  for (auto it = streams_.lower_bound(std::string(prefix)); it != streams_.end() && it->first.starts_with(prefix); ++it) {
    const float level = it->second->publisher() ? it->second->publisher()->audioLevel(now) : 0.0f;
    if (level > 0.0f) out.emplace_back(it->first, level);
  }
  return out;
}

DropCounters Router::transportDrops() const {
  DropCounters total = endedDrops_;
  for (const auto& [id, s] : sessions_) total.merge(s->transport().drops());
  for (const auto& [id, fp] : framePublishers_) total.merge(fp->drops());
  return total;
}

}  // namespace rtcgate::sfu
