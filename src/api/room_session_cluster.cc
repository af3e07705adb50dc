// RoomSession across nodes (docs/CLUSTER.md "Rooms across nodes"): this node writes its
// participants of the room to Redis and reads the other nodes'; each remote participant is a
// participant of the local sfu::Room with no connection here, whose tracks are published in
// it once their streams are relayed to the room's worker — from then on they are offered to
// this node's participants like anyone's.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/room_session.h"
#include "edge/relay_manager.h"

namespace rtcgate::api {

void RoomSession::syncCluster(int64_t nowUs) {
  if (!ctx_.roomDirectory) return;
  if (clusterDirty_ || nowUs >= nextClusterWriteUs_) writeCluster(nowUs);
  if (clusterReading_ || nowUs < nextClusterReadUs_) return;
  nextClusterReadUs_ = nowUs + kClusterReadUs;
  clusterReading_ = true;
  ctx_.roomDirectory->read(name(), [this, alive = std::weak_ptr<bool>(alive_)](bool ok,
                                                                               cluster::RoomDirectory::Members members) {
    if (!alive.lock()) return;
    clusterReading_ = false;
    if (!ok) return;  // Redis is away: what was known stays
    remoteRecords_ = std::move(members);
    applyRemote();
  });
}

void RoomSession::writeCluster(int64_t nowUs) {
  clusterDirty_ = false;
  nextClusterWriteUs_ = nowUs + kClusterWriteUs;
  std::vector<cluster::RoomMemberRecord> out;
  for (const auto& [name, m] : members_) {
    const sfu::RoomParticipant* p = room_.find(name);
    if (!p) continue;
    cluster::RoomMemberRecord r{p->name, p->displayName, p->metadata, m.joinedMs, {}};
    for (const auto& t : p->tracks)
      r.tracks.push_back({std::string(sfu::trackSourceName(t.source)), std::string(sfu::mediaKindName(t.kind)), t.muted});
    out.push_back(std::move(r));
  }
  ctx_.roomDirectory->write(name(), out);
}

void RoomSession::onStreamRelayed(const std::string& stream) {
  for (const auto& [name, r] : remotes_)
    if (r.held.count(stream)) return applyRemote();
}

void RoomSession::applyRemote() {
  const int64_t now = ctx_.clock.nowUs();
  // Who should be here: per name the latest joined, when two nodes have one of that name.
  std::map<std::string, std::pair<const std::string*, const cluster::RoomMemberRecord*>> wanted;
  for (const auto& [node, records] : remoteRecords_)
    for (const auto& r : records) {
      if (!room::validParticipantName(r.name)) continue;
      auto [it, inserted] = wanted.try_emplace(r.name, &node, &r);
      if (!inserted && r.joinedMs > it->second.second->joinedMs) it->second = {&node, &r};
    }
  // Gone from every other node: they leave here too.
  std::vector<std::string> gone;
  for (const auto& [name, r] : remotes_)
    if (!wanted.count(name)) gone.push_back(name);
  for (const auto& name : gone) room_.leave(name, "left", now);

  for (const auto& [name, entry] : wanted) {
    const auto& [node, record] = entry;
    if (auto local = members_.find(name); local != members_.end()) {
      if (record->joinedMs <= local->second.joinedMs) continue;  // ours joined later: it stays
      spdlog::info("room {}: {} joined again on node {}", this->name(), name, *node);
      room_.leave(name, "replaced", now);
    }
    auto it = remotes_.find(name);
    if (it == remotes_.end()) {
      it = remotes_.emplace(name, Remote{*node, record->joinedMs, {}}).first;  // before the join's messages
      auto joined = room_.join(name, record->displayName.empty() ? name : record->displayName, record->metadata, now);
      if (!joined.ok()) {
        remotes_.erase(it);
        continue;  // the room is full here
      }
      spdlog::info("room {}: {} is here from node {}", this->name(), name, *node);
    } else {
      it->second.node = *node;
      it->second.joinedMs = record->joinedMs;
      const sfu::RoomParticipant* p = room_.find(name);
      if (p && (p->displayName != record->displayName || p->metadata != record->metadata))
        room_.update(name, record->displayName, record->metadata);
    }
    applyRemoteTracks(name, it->second, *record);
  }
}

void RoomSession::applyRemoteTracks(const std::string& name, Remote& remote, const cluster::RoomMemberRecord& record) {
  const int64_t now = ctx_.clock.nowUs();
  sfu::RoomParticipant* p = room_.find(name);
  if (!p) return;
  std::set<std::string> streams;
  std::vector<sfu::TrackSource> listed;
  for (const auto& t : record.tracks) {
    const auto source = sfu::trackSourceFromName(t.source);
    if (!source) continue;
    listed.push_back(*source);
    const std::string stream = room_.streamOf(name, *source);
    streams.insert(stream);
    // Held once per stream (a refused hold is asked again at the next read).
    if (!remote.held.count(stream) && ctx_.relays && ctx_.relays->hold(stream, worker_)) remote.held.insert(stream);
    // A track is offered here once its stream is: relayed to the room's worker.
    const cluster::StreamEntry* e = ctx_.directory.stream(stream);
    const bool here = e && !e->publisherId.empty() && e->worker == worker_;
    const sfu::RoomTrack* track = p->track(*source);
    if (!here) {
      if (track) room_.unpublish(name, *source, now);  // its relay ended: back when it is again
      continue;
    }
    if (!track) track = room_.publish(name, *source, t.kind == "audio" ? sfu::MediaKind::kAudio : sfu::MediaKind::kVideo, now);
    if (track && track->muted != t.muted) room_.mute(name, *source, t.muted);
  }
  // Tracks it no longer publishes.
  std::vector<sfu::TrackSource> ended;
  for (const auto& t : p->tracks)
    if (std::find(listed.begin(), listed.end(), t.source) == listed.end()) ended.push_back(t.source);
  for (const auto s : ended) room_.unpublish(name, s, now);
  for (auto it = remote.held.begin(); it != remote.held.end();) {
    if (streams.count(*it)) {
      ++it;
      continue;
    }
    if (ctx_.relays) ctx_.relays->unhold(*it);
    it = remote.held.erase(it);
  }
}

void RoomSession::releaseRemote(Remote& remote) {
  if (ctx_.relays)
    for (const auto& s : remote.held) ctx_.relays->unhold(s);
  remote.held.clear();
}

}  // namespace rtcgate::api
