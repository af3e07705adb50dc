#include "sfu/room.h"

#include <algorithm>

#include "base/constant_time.h"
#include "base/hex.h"
#include "base/random.h"

namespace rtcgate::sfu {

std::optional<TrackSource> trackSourceFromName(std::string_view name) noexcept {
  if (name == "camera") return TrackSource::kCamera;
  if (name == "microphone") return TrackSource::kMicrophone;
  if (name == "screen") return TrackSource::kScreen;
  return std::nullopt;
}

std::string_view trackSourceName(TrackSource source) noexcept {
  switch (source) {
    case TrackSource::kCamera: return "camera";
    case TrackSource::kMicrophone: return "microphone";
    case TrackSource::kScreen: return "screen";
  }
  return "camera";
}

const RoomTrack* RoomParticipant::track(TrackSource source) const {
  for (const auto& t : tracks)
    if (t.source == source) return &t;
  return nullptr;
}

TrackSubscription RoomParticipant::subscription(const std::string& trackId) const {
  auto it = subscriptions.find(trackId);
  return it == subscriptions.end() ? TrackSubscription{} : it->second;
}

RoomParticipant* Room::find(std::string_view name) {
  auto it = participants_.find(name);
  return it == participants_.end() ? nullptr : it->second.get();
}

std::string Room::streamOf(std::string_view participant, TrackSource source) const {
  std::string s = name_ + "/" + std::string(participant);
  if (source == TrackSource::kScreen) s += ".screen";
  return s;
}

const RoomTrack* Room::findTrack(const std::string& trackId, const RoomParticipant** owner) const {
  const auto slash = trackId.find('/');
  if (slash == std::string::npos) return nullptr;
  auto it = participants_.find(std::string_view(trackId).substr(0, slash));
  if (it == participants_.end()) return nullptr;
  for (const auto& t : it->second->tracks) {
    if (t.id != trackId) continue;
    if (owner) *owner = it->second.get();
    return &t;
  }
  return nullptr;
}

Result<RoomParticipant*> Room::join(std::string name, std::string displayName, std::string metadata, int64_t nowUs) {
  if (find(name)) leave(name, "replaced", nowUs);
  if (participants_.size() >= limits_.maxParticipants) return Error::state("room is full");
  auto p = std::make_unique<RoomParticipant>();
  p->name = std::move(name);
  p->displayName = std::move(displayName);
  p->metadata = std::move(metadata);
  std::array<uint8_t, 16> secret{};
  randomBytes(secret);
  p->resumeSecret = toHex(secret);
  p->slots = SubscriberSlots(limits_.debounceUs);
  p->joinedUs = nowUs;
  for (const auto& [other, op] : participants_)
    for (const auto& t : op->tracks)
      if (p->receives(t)) p->slots.want({t.id, t.kind, t.stream}, nowUs);
  RoomParticipant& added = *p;
  participants_.emplace(added.name, std::move(p));
  listener_.onParticipantJoined(added);
  return &added;
}

RoomParticipant* Room::resume(std::string_view name, std::string_view secret) {
  RoomParticipant* p = find(name);
  if (!p || secret.empty() || !constantTimeEquals(secret, p->resumeSecret)) return nullptr;
  p->disconnectedSinceUs.reset();
  return p;
}

void Room::leave(std::string_view name, std::string_view reason, int64_t nowUs) {
  auto it = participants_.find(name);
  if (it == participants_.end()) return;
  RoomParticipant& p = *it->second;
  while (!p.tracks.empty()) removeTrack(p, p.tracks.size() - 1, nowUs);
  listener_.onParticipantLeft(p, reason);
  participants_.erase(it);
}

void Room::disconnected(std::string_view name, int64_t nowUs) {
  if (RoomParticipant* p = find(name); p && !p->disconnectedSinceUs) p->disconnectedSinceUs = nowUs;
}

size_t Room::expire(int64_t nowUs) {
  std::vector<std::string> gone;
  for (const auto& [name, p] : participants_)
    if (p->disconnectedSinceUs && nowUs - *p->disconnectedSinceUs >= limits_.graceUs) gone.push_back(name);
  for (const auto& name : gone) leave(name, "timeout", nowUs);
  return gone.size();
}

const RoomTrack* Room::publish(std::string_view participant, TrackSource source, MediaKind kind, int64_t nowUs) {
  RoomParticipant* p = find(participant);
  if (!p) return nullptr;
  if (const RoomTrack* existing = p->track(source)) return existing;
  p->tracks.push_back({p->name + "/" + std::string(trackSourceName(source)), source, kind, false,
                       streamOf(participant, source)});
  const RoomTrack& t = p->tracks.back();
  for (auto& [name, other] : participants_)
    if (other.get() != p && other->receives(t)) other->slots.want({t.id, t.kind, t.stream}, nowUs);
  listener_.onTrackPublished(*p, t);
  return &t;
}

void Room::unpublish(std::string_view participant, TrackSource source, int64_t nowUs) {
  RoomParticipant* p = find(participant);
  if (!p) return;
  for (size_t i = 0; i < p->tracks.size(); ++i)
    if (p->tracks[i].source == source) return removeTrack(*p, i, nowUs);
}

void Room::removeTrack(RoomParticipant& owner, size_t index, int64_t nowUs) {
  const RoomTrack t = owner.tracks[index];
  owner.tracks.erase(owner.tracks.begin() + static_cast<std::ptrdiff_t>(index));
  for (auto& [name, other] : participants_) {
    other->slots.drop(t.id, nowUs);
    other->subscriptions.erase(t.id);
  }
  listener_.onTrackUnpublished(owner, t);
}

bool Room::mute(std::string_view participant, TrackSource source, bool muted) {
  RoomParticipant* p = find(participant);
  if (!p) return false;
  for (auto& t : p->tracks) {
    if (t.source != source) continue;
    if (t.muted != muted) {
      t.muted = muted;
      listener_.onTrackMuted(*p, t);
    }
    return true;
  }
  return false;
}

bool Room::update(std::string_view participant, std::optional<std::string> displayName,
                  std::optional<std::string> metadata) {
  RoomParticipant* p = find(participant);
  if (!p) return false;
  if (displayName) p->displayName = std::move(*displayName);
  if (metadata) p->metadata = std::move(*metadata);
  listener_.onParticipantUpdated(*p);
  return true;
}

bool Room::subscribe(std::string_view participant, const std::string& trackId, TrackSubscription s, int64_t nowUs) {
  RoomParticipant* p = find(participant);
  const RoomParticipant* owner = nullptr;
  const RoomTrack* t = findTrack(trackId, &owner);
  if (!p || !t || owner == p) return false;
  p->subscriptions[trackId] = s;
  if (p->receives(*t)) p->slots.want({t->id, t->kind, t->stream}, nowUs);
  else p->slots.drop(t->id, nowUs);
  return true;
}

bool RoomParticipant::receives(const RoomTrack& t) const {
  return subscription(t.id).subscribed && !(mixedAudio && t.kind == MediaKind::kAudio);
}

bool Room::setMixedAudio(std::string_view participant, const std::string& mixStream, int64_t nowUs) {
  RoomParticipant* p = find(participant);
  if (!p) return false;
  p->mixedAudio = !mixStream.empty();
  for (const auto& [name, other] : participants_) {
    if (other.get() == p) continue;
    for (const auto& t : other->tracks) {
      if (t.kind != MediaKind::kAudio) continue;
      if (p->receives(t)) p->slots.want({t.id, t.kind, t.stream}, nowUs);
      else p->slots.drop(t.id, nowUs);
    }
  }
  if (p->mixedAudio) p->slots.want({kMixTrackId, MediaKind::kAudio, mixStream}, nowUs);
  else p->slots.drop(kMixTrackId, nowUs);
  return true;
}

}  // namespace rtcgate::sfu
