#include "sfu/router.h"

namespace rtcgate::sfu {

Router::~Router() {
  for (auto& [id, s] : sessions_) s->close("shutdown");
  graveyard_.clear();
  sessions_.clear();
}

Stream& Router::streamFor(const std::string& name) {
  auto& slot = streams_[name];
  if (!slot) slot = std::make_unique<Stream>(name);
  return *slot;
}

Status Router::addPublisher(SessionSpec spec, bool replace) {
  if (sessions_.count(spec.id)) return Error::state("duplicate session id");
  Stream& stream = streamFor(spec.stream);
  if (auto* current = stream.publisher()) {
    if (!replace) return Error::state("stream already published");
    current->close("replaced by a new publisher");
  }
  auto session = std::make_unique<PublisherSession>(host_, std::move(spec), counters_);
  RTCGATE_TRY(session->start());
  session->attach(&stream);
  stream.setPublisher(session.get());
  const std::string id = session->id();
  sessions_.emplace(id, std::move(session));
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

void Router::onSessionEnded(Session& session) {
  auto it = sessions_.find(session.id());
  if (it == sessions_.end() || it->second.get() != &session) return;
  detach(session);
  endedDrops_.merge(session.transport().drops());
  graveyard_.push_back(std::move(it->second));
  sessions_.erase(it);
}

void Router::onTick(int64_t nowUs) {
  graveyard_.clear();
  for (auto& [id, s] : sessions_) s->onTick(nowUs);
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
