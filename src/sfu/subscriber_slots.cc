#include "sfu/subscriber_slots.h"

#include <algorithm>

#include "base/random.h"

namespace rtcgate::sfu {

bool SubscriberSlots::want(WantedTrack track, int64_t nowUs) {
  if (wants(track.id)) return true;
  if (wanted_.size() >= kMaxSlots) return false;
  wanted_.push_back(std::move(track));
  markChanged(nowUs);
  return true;
}

void SubscriberSlots::drop(const std::string& trackId, int64_t nowUs) {
  const auto it = std::find_if(wanted_.begin(), wanted_.end(), [&](const WantedTrack& t) { return t.id == trackId; });
  if (it == wanted_.end()) return;
  wanted_.erase(it);
  markChanged(nowUs);
}

bool SubscriberSlots::wants(const std::string& trackId) const {
  return std::any_of(wanted_.begin(), wanted_.end(), [&](const WantedTrack& t) { return t.id == trackId; });
}

void SubscriberSlots::markChanged(int64_t nowUs) {
  if (!changedAtUs_) changedAtUs_ = nowUs;
}

std::optional<int64_t> SubscriberSlots::offerDueUs() const {
  if (!changedAtUs_ || inFlight_) return std::nullopt;
  return *changedAtUs_ + debounceUs_;
}

bool SubscriberSlots::placed(const std::string& trackId, const std::vector<SubscriberSlot>& slots) const {
  return std::any_of(slots.begin(), slots.end(), [&](const SubscriberSlot& s) { return s.track == trackId; });
}

SubscriberOffer SubscriberSlots::makeOffer() {
  SubscriberOffer offer{++lastNegotiation_, answered_};
  // Slots the client has answered as inactive may take a new track now; slots freed by this
  // very offer go inactive first (a browser keeps a transceiver's track across one answer).
  std::vector<bool> reusable(offer.slots.size());
  for (size_t i = 0; i < offer.slots.size(); ++i) {
    auto& slot = offer.slots[i];
    reusable[i] = !slot.active();
    if (slot.active() && !wants(slot.track)) slot = SubscriberSlot{slot.mid, slot.kind, {}, {}, 0, 0};
  }
  for (const auto& t : wanted_) {
    if (placed(t.id, offer.slots)) continue;
    SubscriberSlot fresh{{}, t.kind, t.id, t.stream, randomU32() | 1, t.kind == MediaKind::kVideo ? (randomU32() | 1) : 0};
    size_t i = 0;
    while (i < offer.slots.size() && !(reusable[i] && offer.slots[i].kind == t.kind && !offer.slots[i].active())) ++i;
    if (i < offer.slots.size()) {
      fresh.mid = offer.slots[i].mid;
      offer.slots[i] = std::move(fresh);
    } else {
      fresh.mid = std::to_string(nextMid_++);
      offer.slots.push_back(std::move(fresh));
      reusable.push_back(false);
    }
  }
  changedAtUs_.reset();
  inFlight_ = offer;
  return offer;
}

bool SubscriberSlots::onAnswered(uint64_t negotiation) {
  if (!inFlight_ || inFlight_->negotiation != negotiation) return false;
  answered_ = std::move(inFlight_->slots);
  inFlight_.reset();
  return true;
}

void SubscriberSlots::onOfferFailed(uint64_t negotiation) {
  if (!inFlight_ || inFlight_->negotiation != negotiation) return;
  inFlight_.reset();
  // Whatever the failed offer carried is still to be sent. Its new mids are not given out
  // again: the client may have applied the offer without its answer reaching us.
  changedAtUs_ = 0;
}

const SubscriberSlot* SubscriberSlots::answeredSlotFor(const std::string& trackId) const {
  for (const auto& s : answered_)
    if (s.track == trackId) return &s;
  return nullptr;
}

}  // namespace rtcgate::sfu
