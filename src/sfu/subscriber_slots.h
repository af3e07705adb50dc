#pragma once
// SubscriberSlots: the m-lines of a server-offered subscriber connection and the queue of
// offers that change them. Changes (tracks wanted or dropped) are collected for a debounce
// period and go out as one offer; one offer is in flight at a time; an m-line whose track
// ended turns inactive and, once the client has answered that, carries the next track of
// its kind, so the SDP grows with the most tracks received at once, never with churn.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfu/media_kind.h"

namespace rtcgate::sfu {

// A track a subscriber should receive: its id in the room, kind, and the stream it is in.
struct WantedTrack {
  std::string id;
  MediaKind kind = MediaKind::kVideo;
  std::string stream;
};

// One m-line: inactive when `track` is empty; `ssrc`/`rtxSsrc` are what we send it with.
struct SubscriberSlot {
  std::string mid;
  MediaKind kind = MediaKind::kVideo;
  std::string track;
  std::string stream;
  uint32_t ssrc = 0;
  uint32_t rtxSsrc = 0;
  bool active() const noexcept { return !track.empty(); }
};

// One offer to send: its number and every m-line in order.
struct SubscriberOffer {
  uint64_t negotiation = 0;
  std::vector<SubscriberSlot> slots;
};

class SubscriberSlots {
 public:
  static constexpr int64_t kDefaultDebounceUs = 50'000;
  static constexpr size_t kMaxSlots = 128;

  explicit SubscriberSlots(int64_t debounceUs = kDefaultDebounceUs) : debounceUs_(debounceUs) {}

  // Adds a track to receive (no-op when already wanted); false past kMaxSlots.
  bool want(WantedTrack track, int64_t nowUs);
  // Stops receiving a track (no-op when not wanted).
  void drop(const std::string& trackId, int64_t nowUs);
  bool wants(const std::string& trackId) const;

  // When the next offer is due (changes pending, none in flight), or nullopt.
  std::optional<int64_t> offerDueUs() const;
  // Plans the next offer from what the client last answered; the plan is in flight until
  // answered or failed. Call only when offerDueUs() has passed (or to force an offer,
  // e.g. an ICE restart, with no change pending).
  SubscriberOffer makeOffer();
  // The in-flight offer `negotiation` was answered: it is what the client now has. False
  // (and nothing changes) when that is not the offer in flight.
  bool onAnswered(uint64_t negotiation);
  // The in-flight offer will not be answered (refused, timed out): plan again from the
  // last answered state.
  void onOfferFailed(uint64_t negotiation);

  std::optional<uint64_t> inFlight() const noexcept { return inFlight_ ? std::optional(inFlight_->negotiation) : std::nullopt; }
  // The m-lines as last answered.
  const std::vector<SubscriberSlot>& answered() const noexcept { return answered_; }
  const SubscriberSlot* answeredSlotFor(const std::string& trackId) const;

 private:
  void markChanged(int64_t nowUs);
  bool placed(const std::string& trackId, const std::vector<SubscriberSlot>& slots) const;

  int64_t debounceUs_;
  std::vector<WantedTrack> wanted_;
  std::vector<SubscriberSlot> answered_;
  std::optional<SubscriberOffer> inFlight_;
  std::optional<int64_t> changedAtUs_;  // first unsent change
  uint64_t lastNegotiation_ = 0;
  uint32_t nextMid_ = 0;
};

}  // namespace rtcgate::sfu
