#include "cluster/local_directory.h"

#include <algorithm>

namespace rtcgate::cluster {

unsigned LocalDirectory::workerFor(const std::string& stream) const {
  if (auto it = streams_.find(stream); it != streams_.end()) return it->second.worker;
  return static_cast<unsigned>(std::min_element(load_.begin(), load_.end()) - load_.begin());
}

StreamEntry& LocalDirectory::streamEntry(const std::string& name, unsigned worker) {
  auto [it, inserted] = streams_.try_emplace(name);
  if (inserted) it->second.worker = worker;
  return it->second;
}

void LocalDirectory::addPublisher(const SessionEntry& e, std::vector<wire::sdp::NegotiatedMedia> media) {
  auto& s = streamEntry(e.stream, e.worker);
  const bool replaced = !s.publisherId.empty();
  // A stream relayed here that a local source takes over is this node's from now on.
  bool wasRelayed = false;
  if (replaced) {
    if (auto old = sessions_.find(s.publisherId); old != sessions_.end()) wasRelayed = old->second.kind == sfu::SessionKind::kRelayIn;
    sessions_.erase(s.publisherId);
  }
  else ++s.sessions;
  s.publisherId = e.id;
  s.published = std::move(media);
  sessions_[e.id] = e;
  ++load_[e.worker];
  if ((!replaced || (wasRelayed && e.kind != sfu::SessionKind::kRelayIn)) && observer_)
    observer_->onStreamPublished(e.stream);
}

void LocalDirectory::addSubscriber(const SessionEntry& e) {
  auto& s = streamEntry(e.stream, e.worker);
  ++s.sessions;
  if (e.kind == sfu::SessionKind::kSubscriber) ++s.subscribersOn[e.worker];
  sessions_[e.id] = e;
  ++load_[e.worker];
}

void LocalDirectory::remove(const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  const SessionEntry e = it->second;
  sessions_.erase(it);
  if (load_[e.worker] > 0) --load_[e.worker];
  auto st = streams_.find(e.stream);
  if (st == streams_.end()) return;
  const bool unpublished = st->second.publisherId == id;
  if (unpublished) {
    st->second.publisherId.clear();
    st->second.published.clear();
  } else if (auto w = st->second.subscribersOn.find(e.worker);
             e.kind == sfu::SessionKind::kSubscriber && w != st->second.subscribersOn.end() && --w->second == 0) {
    st->second.subscribersOn.erase(w);
  }
  if (st->second.sessions > 0) --st->second.sessions;
  if (st->second.sessions == 0) streams_.erase(st);
  if (unpublished && observer_) observer_->onStreamUnpublished(e.stream);
}

void LocalDirectory::restartedIce(const std::string& id, std::string remoteUfrag, std::string etag) {
  if (auto it = sessions_.find(id); it != sessions_.end()) {
    it->second.remoteUfrag = std::move(remoteUfrag);
    it->second.etag = std::move(etag);
  }
}

const SessionEntry* LocalDirectory::find(const std::string& id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

const StreamEntry* LocalDirectory::stream(const std::string& name) const {
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : &it->second;
}

}  // namespace rtcgate::cluster
