#pragma once
// Room: who is in a video call and what they publish, and for each participant the
// tracks it receives (its subscriber connection's m-lines). Pure state on the control
// thread: signaling feeds it, its listener hears what everyone must be told, and the
// media of its tracks are ordinary streams named {room}/{participant}[.screen].

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sfu/media_kind.h"
#include "sfu/simulcast.h"
#include "sfu/subscriber_slots.h"

namespace rtcgate::sfu {

// What a published track is: it decides its stream and its place on a page.
enum class TrackSource : uint8_t { kCamera, kMicrophone, kScreen };
std::optional<TrackSource> trackSourceFromName(std::string_view name) noexcept;
std::string_view trackSourceName(TrackSource source) noexcept;

struct RoomTrack {
  std::string id;  // "{participant}/{source}"
  TrackSource source = TrackSource::kCamera;
  MediaKind kind = MediaKind::kVideo;
  bool muted = false;
  std::string stream;
};

// How one participant receives one track.
struct TrackSubscription {
  bool subscribed = true;
  bool paused = false;
  Quality quality = Quality::kHigh;
};

struct RoomParticipant {
  std::string name;
  std::string displayName;
  std::string metadata = "{}";  // a JSON object, as the client sent it
  std::string resumeSecret;
  std::vector<RoomTrack> tracks;
  std::map<std::string, TrackSubscription> subscriptions;  // by track id; default: everything
  SubscriberSlots slots;
  int64_t joinedUs = 0;
  // Hears the others through one mixed track (kMixTrackId) instead of their audio tracks.
  bool mixedAudio = false;
  std::optional<int64_t> disconnectedSinceUs;  // in its grace period

  const RoomTrack* track(TrackSource source) const;
  TrackSubscription subscription(const std::string& trackId) const;
  // Whether it should receive `t` (someone else's track).
  bool receives(const RoomTrack& t) const;
};

// The subscriber slot id of a participant's mixed audio (not a room track).
inline constexpr const char* kMixTrackId = "mix";

// What the room tells its signaling, which tells the participants.
class RoomListener {
 public:
  virtual ~RoomListener() = default;
  virtual void onParticipantJoined(const RoomParticipant& p) = 0;
  // `p` is still whole during the call (its tracks already unpublished).
  virtual void onParticipantLeft(const RoomParticipant& p, std::string_view reason) = 0;
  virtual void onParticipantUpdated(const RoomParticipant& p) = 0;
  virtual void onTrackPublished(const RoomParticipant& p, const RoomTrack& t) = 0;
  virtual void onTrackUnpublished(const RoomParticipant& p, const RoomTrack& t) = 0;
  virtual void onTrackMuted(const RoomParticipant& p, const RoomTrack& t) = 0;
};

struct RoomLimits {
  size_t maxParticipants = 50;
  int64_t graceUs = 20'000'000;
  int64_t debounceUs = SubscriberSlots::kDefaultDebounceUs;
};

class Room {
 public:
  Room(std::string name, RoomLimits limits, RoomListener& listener)
      : name_(std::move(name)), limits_(limits), listener_(listener) {}

  const std::string& name() const noexcept { return name_; }
  size_t size() const noexcept { return participants_.size(); }
  bool empty() const noexcept { return participants_.empty(); }
  RoomParticipant* find(std::string_view name);
  const std::map<std::string, std::unique_ptr<RoomParticipant>, std::less<>>& participants() const noexcept {
    return participants_;
  }

  // A new participant; one of the same name is replaced (it leaves with "replaced"). It
  // subscribes to every track there is.
  Result<RoomParticipant*> join(std::string name, std::string displayName, std::string metadata, int64_t nowUs);
  // The participant of `name` back from a dropped connection, when `secret` is its own.
  RoomParticipant* resume(std::string_view name, std::string_view secret);
  void leave(std::string_view name, std::string_view reason, int64_t nowUs);
  // Its connection dropped: it stays for the grace period, unseen by the others.
  void disconnected(std::string_view name, int64_t nowUs);
  // Removes those whose grace period is over; returns how many.
  size_t expire(int64_t nowUs);

  // A track appears (every other participant subscribes to it) or ends.
  const RoomTrack* publish(std::string_view participant, TrackSource source, MediaKind kind, int64_t nowUs);
  void unpublish(std::string_view participant, TrackSource source, int64_t nowUs);
  bool mute(std::string_view participant, TrackSource source, bool muted);
  bool update(std::string_view participant, std::optional<std::string> displayName,
              std::optional<std::string> metadata);
  // One participant's wish about one remote track; false when there is no such track.
  bool subscribe(std::string_view participant, const std::string& trackId, TrackSubscription s, int64_t nowUs);

  // The stream of a participant's tracks of `source`: "{room}/{name}" or "{room}/{name}.screen".
  std::string streamOf(std::string_view participant, TrackSource source) const;
  // Switches `participant` to mixed audio: it stops receiving the others' audio tracks and
  // receives `mixStream` (its mix-minus) as one audio track; `mixStream` empty switches back.
  bool setMixedAudio(std::string_view participant, const std::string& mixStream, int64_t nowUs);
  const RoomTrack* findTrack(const std::string& trackId, const RoomParticipant** owner = nullptr) const;

 private:
  void removeTrack(RoomParticipant& owner, size_t index, int64_t nowUs);

  std::string name_;
  RoomLimits limits_;
  RoomListener& listener_;
  std::map<std::string, std::unique_ptr<RoomParticipant>, std::less<>> participants_;
};

}  // namespace rtcgate::sfu
