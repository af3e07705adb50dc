#include "base/packet_buffer.h"

#include <gtest/gtest.h>

#include <array>

namespace rtcgate {
namespace {

TEST(PacketPool, AcquireAndReleaseReturnsToFreeList) {
  PacketPool pool(4, 8);
  EXPECT_EQ(pool.available(), 4u);
  {
    PacketRef a = pool.acquire();
    ASSERT_TRUE(a);
    EXPECT_EQ(pool.available(), 3u);
    PacketRef b = a;  // shared, not copied
    EXPECT_EQ(a.useCount(), 2u);
    EXPECT_EQ(b.get(), a.get());
  }
  EXPECT_EQ(pool.available(), 4u);
}

TEST(PacketPool, GrowsUpToCapThenFails) {
  PacketPool pool(2, 3);
  PacketRef a = pool.acquire(), b = pool.acquire(), c = pool.acquire();
  EXPECT_TRUE(a && b && c);
  EXPECT_FALSE(pool.acquire());
  c.reset();
  EXPECT_TRUE(pool.acquire());
}

TEST(PacketPool, CopyOfKeepsBytesAndRejectsOversize) {
  PacketPool pool(2);
  std::array<uint8_t, 3> bytes{1, 2, 3};
  PacketRef r = pool.copyOf(bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size, 3u);
  EXPECT_EQ(r->data()[2], 3);
  std::vector<uint8_t> big(PacketBuffer::kCapacity);
  EXPECT_FALSE(pool.copyOf(big));
}

TEST(PacketRef, MoveLeavesSourceEmpty) {
  PacketPool pool(1);
  PacketRef a = pool.acquire();
  PacketRef b = std::move(a);
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.useCount(), 1u);
}

}  // namespace
}  // namespace rtcgate
