#include "sfu/subscriber_slots.h"

#include <gtest/gtest.h>

namespace rtcgate::sfu {
namespace {

WantedTrack video(const std::string& who) { return {who + "/camera", MediaKind::kVideo, "r/" + who}; }
WantedTrack audio(const std::string& who) { return {who + "/microphone", MediaKind::kAudio, "r/" + who}; }

// Offers and answers at once; returns the answered m-lines.
const std::vector<SubscriberSlot>& settle(SubscriberSlots& s) {
  const auto offer = s.makeOffer();
  EXPECT_TRUE(s.onAnswered(offer.negotiation));
  return s.answered();
}

std::vector<std::string> tracksOf(const std::vector<SubscriberSlot>& slots) {
  std::vector<std::string> out;
  for (const auto& slot : slots) out.push_back(slot.mid + "=" + slot.track);
  return out;
}

TEST(SubscriberSlots, ChangesAreDebouncedIntoOneOffer) {
  SubscriberSlots s(50'000);
  EXPECT_FALSE(s.offerDueUs());
  s.want(audio("a"), 1000);
  s.want(video("a"), 20'000);
  EXPECT_EQ(s.offerDueUs(), 51'000);
  const auto offer = s.makeOffer();
  EXPECT_EQ(offer.negotiation, 1u);
  ASSERT_EQ(offer.slots.size(), 2u);
  EXPECT_EQ(offer.slots[0].mid, "0");
  EXPECT_EQ(offer.slots[0].kind, MediaKind::kAudio);
  EXPECT_EQ(offer.slots[1].track, "a/camera");
  EXPECT_NE(offer.slots[1].rtxSsrc, 0u);
  EXPECT_EQ(offer.slots[0].rtxSsrc, 0u);
  EXPECT_FALSE(s.offerDueUs());  // nothing new
}

TEST(SubscriberSlots, OneOfferInFlightChangesWaitForTheAnswer) {
  SubscriberSlots s(0);
  s.want(video("a"), 0);
  const auto first = s.makeOffer();
  s.want(video("b"), 10);
  EXPECT_FALSE(s.offerDueUs());  // first still unanswered
  EXPECT_FALSE(s.onAnswered(first.negotiation + 1));
  EXPECT_TRUE(s.onAnswered(first.negotiation));
  EXPECT_EQ(s.offerDueUs(), 10);
  const auto second = s.makeOffer();
  EXPECT_EQ(second.negotiation, 2u);
  EXPECT_EQ(tracksOf(second.slots), (std::vector<std::string>{"0=a/camera", "1=b/camera"}));
}

TEST(SubscriberSlots, AnEndedTrackGoesInactiveThenItsMidIsReused) {
  SubscriberSlots s(0);
  s.want(audio("a"), 0);
  s.want(video("a"), 0);
  settle(s);
  s.drop("a/camera", 1);
  s.want(video("b"), 1);
  // The freed m-line goes inactive in this offer; b gets a new one.
  EXPECT_EQ(tracksOf(settle(s)), (std::vector<std::string>{"0=a/microphone", "1=", "2=b/camera"}));
  s.want(video("c"), 2);
  EXPECT_EQ(tracksOf(settle(s)), (std::vector<std::string>{"0=a/microphone", "1=c/camera", "2=b/camera"}));
  // An audio track never takes a video m-line.
  s.drop("c/camera", 3);
  settle(s);
  s.want(audio("d"), 4);
  EXPECT_EQ(tracksOf(settle(s)), (std::vector<std::string>{"0=a/microphone", "1=", "2=b/camera", "3=d/microphone"}));
}

TEST(SubscriberSlots, ChurnDoesNotGrowTheSdp) {
  SubscriberSlots s(0);
  for (int i = 0; i < 200; ++i) {
    const std::string who = "p" + std::to_string(i);
    s.want(audio(who), i);
    s.want(video(who), i);
    settle(s);
    s.drop(who + "/microphone", i);
    s.drop(who + "/camera", i);
    settle(s);
  }
  EXPECT_LE(s.answered().size(), 4u);
}

TEST(SubscriberSlots, LeaveDuringAPendingNegotiation) {
  SubscriberSlots s(0);
  s.want(video("a"), 0);
  const auto offer = s.makeOffer();  // a is offered...
  s.drop("a/camera", 1);             // ...and leaves before the answer
  EXPECT_FALSE(s.offerDueUs());
  ASSERT_TRUE(s.onAnswered(offer.negotiation));
  EXPECT_EQ(s.answered()[0].track, "a/camera");
  ASSERT_TRUE(s.offerDueUs());
  EXPECT_EQ(tracksOf(settle(s)), (std::vector<std::string>{"0="}));
}

TEST(SubscriberSlots, JoinAndLeaveBeforeAnyOfferCancelOut) {
  SubscriberSlots s(0);
  s.want(video("a"), 0);
  s.drop("a/camera", 0);
  ASSERT_TRUE(s.offerDueUs());  // an offer is still made (nothing in it); harmless
  EXPECT_TRUE(settle(s).empty());
}

TEST(SubscriberSlots, AFailedOfferIsPlannedAgainWithFreshMids) {
  SubscriberSlots s(0);
  s.want(video("a"), 0);
  const auto offer = s.makeOffer();
  s.onOfferFailed(offer.negotiation);
  EXPECT_FALSE(s.inFlight());
  ASSERT_TRUE(s.offerDueUs());
  const auto again = s.makeOffer();
  EXPECT_EQ(again.negotiation, 2u);
  ASSERT_EQ(again.slots.size(), 1u);
  EXPECT_EQ(again.slots[0].mid, "1");
  EXPECT_TRUE(s.onAnswered(again.negotiation));
}

TEST(SubscriberSlots, KeepsSsrcsOfTracksThatStay) {
  SubscriberSlots s(0);
  s.want(video("a"), 0);
  const uint32_t ssrc = settle(s)[0].ssrc;
  s.want(video("b"), 1);
  EXPECT_EQ(settle(s)[0].ssrc, ssrc);
  EXPECT_EQ(s.answeredSlotFor("b/camera")->mid, "1");
}

TEST(SubscriberSlots, BoundedNumberOfTracks) {
  SubscriberSlots s(0);
  for (size_t i = 0; i < SubscriberSlots::kMaxSlots; ++i) EXPECT_TRUE(s.want(video("p" + std::to_string(i)), 0));
  EXPECT_FALSE(s.want(video("one-too-many"), 0));
}

}  // namespace
}  // namespace rtcgate::sfu
