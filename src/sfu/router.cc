#include "sfu/router.h"

namespace rtcgate::sfu {

Router::~Router() {
  // Taken out first: closing reports back through onSessionEnded, which must find nothing.
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [id, s] : sessions) s->close("shutdown");
  graveyard_.clear();
}

Stream& Router::streamFor(const std::string& name) {
  auto& slot = streams_[name];
  if (!slot) slot = std::make_unique<Stream>(name);
  return *slot;
}

Status Router::addPublisher(SessionSpec spec, bool replace) {
  if (sessions_.count(spec.id)) return Error::state("duplicate session id");
  Stream& stream = streamFor(spec.stream);
  StreamSource* previous = stream.publisher();
  if (previous && !replace) return Error::state("stream already published");
  auto session = std::make_unique<PublisherSession>(host_, std::move(spec), counters_);
  RTCGATE_TRY(session->start());
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
  auto session = std::make_unique<SubscriberSession>(host_, std::move(spec), counters_);
  RTCGATE_TRY(session->start());
  session->attach(&stream);
  stream.addSubscriber(session.get());
  const std::string id = session->id();
  sessions_.emplace(id, std::move(session));
  return {};
}

Session* Router::find(const std::string& id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

bool Router::closeSession(const std::string& id, std::string_view reason) {
  Session* s = find(id);
  if (!s) return false;
  s->close(reason);  // reports ended through the host, which calls onSessionEnded
  return true;
}

bool Router::setQuality(const std::string& id, std::string_view quality) {
  Session* s = find(id);
  if (!s || s->kind() != SessionKind::kSubscriber) return false;
  static_cast<SubscriberSession*>(s)->setQuality(quality);
  return true;
}

void Router::detach(Session& s) {
  auto it = streams_.find(s.streamName());
  if (it == streams_.end()) return;
  Stream& stream = *it->second;
  if (s.kind() == SessionKind::kPublisher) {
    stream.removePublisher(static_cast<PublisherSession*>(&s));
  } else {
    stream.removeSubscriber(static_cast<SubscriberSession*>(&s));
  }
  if (stream.empty()) streams_.erase(it);
}

void Router::endStream(Stream& stream, std::string_view reason) {
  // Copy first: each close detaches a subscriber from the stream (and may erase it).
  const std::vector<SubscriberSession*> subscribers = stream.subscribers();
  for (auto* s : subscribers) s->close(reason);
}

void Router::onSessionEnded(Session& session) {
  auto it = sessions_.find(session.id());
  if (it == sessions_.end() || it->second.get() != &session) return;
  auto st = streams_.find(session.streamName());
  const bool wasPublisher = st != streams_.end() && session.kind() == SessionKind::kPublisher &&
                            st->second->publisher() == static_cast<PublisherSession*>(&session);
  detach(session);
  if (wasPublisher && (st = streams_.find(session.streamName())) != streams_.end()) {
    if (session.transport().state() == transport::webrtc::TransportState::kClosed) {
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
  // A tick may end sessions (consent expiry), which leaves sessions_: walk a snapshot. The
  // ended ones stay alive in the graveyard until the next tick.
  ticking_.clear();
  for (auto& [id, s] : sessions_) ticking_.push_back(s.get());
  for (Session* s : ticking_) s->onTick(nowUs);
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
  return out;
}

std::vector<StreamInfo> Router::streams() const {
  std::vector<StreamInfo> out;
  for (const auto& [name, s] : streams_) out.push_back(s->info(worker_));
  return out;
}

DropCounters Router::transportDrops() const {
  DropCounters total = endedDrops_;
  for (const auto& [id, s] : sessions_) total.merge(s->transport().drops());
  return total;
}

}  // namespace rtcgate::sfu
