#include "media/packet_history.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtcgate::media {
namespace {

class PacketHistoryTest : public ::testing::Test {
 protected:
  PacketRef packet(uint8_t tag) {
    const std::vector<uint8_t> bytes = {0x80, 0x60, tag};
    return pool_.copyOf(bytes);
  }
  PacketPool pool_{64};
};

TEST_F(PacketHistoryTest, CapacityRoundsUpToPowerOfTwo) {
  EXPECT_EQ(PacketHistory(500).capacity(), 512u);
  EXPECT_EQ(PacketHistory(128).capacity(), 128u);
  EXPECT_EQ(PacketHistory(0).capacity(), 1u);
}

TEST_F(PacketHistoryTest, FindsWhatWasInsertedAndSharesTheBuffer) {
  PacketHistory h(8);
  PacketRef p = packet(7);
  h.insert(100, p, 1000);
  EXPECT_EQ(p.useCount(), 2u);
  PacketRef found = h.find(100, 2000);
  ASSERT_TRUE(found);
  EXPECT_EQ(found.get(), p.get());
  EXPECT_EQ(found->span()[2], 7);
  EXPECT_FALSE(h.find(101, 2000));
  EXPECT_FALSE(h.find(100 + 8, 2000));  // same slot, other number
}

TEST_F(PacketHistoryTest, OverwrittenSlotIsGone) {
  PacketHistory h(4);
  h.insert(1, packet(1), 0);
  h.insert(5, packet(5), 0);
  EXPECT_FALSE(h.find(1, 0));
  ASSERT_TRUE(h.find(5, 0));
  EXPECT_EQ(pool_.available(), pool_.total() - 1);  // the overwritten buffer went back
}

TEST_F(PacketHistoryTest, TooOldIsGone) {
  PacketHistory h(16, 1'000'000);
  h.insert(9, packet(9), 0);
  EXPECT_TRUE(h.find(9, 1'000'000));
  EXPECT_FALSE(h.find(9, 1'000'001));
  EXPECT_EQ(h.peek(9, 1'000'001), nullptr);
}

TEST_F(PacketHistoryTest, ASlowTrackHoldsOnlyWhatCanStillBeResent) {
  PacketHistory h(16, 1'000'000);
  for (uint16_t s = 0; s < 10; ++s) h.insert(s, packet(uint8_t(s)), int64_t{s} * 1'000'000);  // one a second
  EXPECT_EQ(pool_.available(), pool_.total() - 2);  // 8 (1 s old) and 9
  EXPECT_TRUE(h.find(8, 9'000'000));
  EXPECT_TRUE(h.find(9, 9'000'000));
  EXPECT_FALSE(h.find(7, 9'000'000));
}

TEST_F(PacketHistoryTest, ReleasingStopsAtTheFirstYoungPacketAcrossTheWrap) {
  PacketHistory h(4, 1'000'000);
  for (uint16_t s = 0; s < 6; ++s) h.insert(s, packet(uint8_t(s)), 0);  // 4 and 5 overwrote 0 and 1
  for (uint16_t s = 2; s < 6; ++s) EXPECT_TRUE(h.find(s, 0)) << s;
  h.insert(6, packet(6), 500'000);  // nothing is old: 3, 4, 5 stay
  for (uint16_t s = 3; s < 7; ++s) EXPECT_TRUE(h.find(s, 500'000)) << s;
  EXPECT_EQ(pool_.available(), pool_.total() - 4);
}

TEST_F(PacketHistoryTest, WrapsAroundSequenceSpace) {
  PacketHistory h(4);
  for (uint16_t s : {uint16_t{65534}, uint16_t{65535}, uint16_t{0}, uint16_t{1}})
    h.insert(s, packet(uint8_t(s)), 0);
  for (uint16_t s : {uint16_t{65534}, uint16_t{65535}, uint16_t{0}, uint16_t{1}}) {
    PacketRef r = h.find(s, 0);
    ASSERT_TRUE(r) << s;
    EXPECT_EQ(r->span()[2], uint8_t(s));
  }
}

TEST_F(PacketHistoryTest, ClearReleasesEverything) {
  PacketHistory h(8);
  for (uint16_t s = 0; s < 8; ++s) h.insert(s, packet(0), 0);
  EXPECT_EQ(pool_.available(), pool_.total() - 8);
  h.clear();
  EXPECT_EQ(pool_.available(), pool_.total());
  EXPECT_FALSE(h.find(3, 0));
}

}  // namespace
}  // namespace rtcgate::media
