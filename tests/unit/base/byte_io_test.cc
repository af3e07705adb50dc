#include <gtest/gtest.h>

#include <array>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/hex.h"
#include "base/seq_num.h"

namespace rtcgate {
namespace {

TEST(ByteIo, RoundTripsEveryWidth) {
  std::array<uint8_t, 32> buf{};
  ByteWriter w(buf);
  EXPECT_TRUE(w.writeU8(0xab) && w.writeU16(0x1234) && w.writeU24(0x56789a) && w.writeU32(0xdeadbeef) &&
              w.writeU64(0x0102030405060708ULL));
  EXPECT_EQ(w.size(), 18u);
  ByteReader r(w.written());
  uint8_t a; uint16_t b; uint32_t c, d; uint64_t e;
  EXPECT_TRUE(r.readU8(a) && r.readU16(b) && r.readU24(c) && r.readU32(d) && r.readU64(e));
  EXPECT_EQ(a, 0xab);
  EXPECT_EQ(b, 0x1234);
  EXPECT_EQ(c, 0x56789au);
  EXPECT_EQ(d, 0xdeadbeefu);
  EXPECT_EQ(e, 0x0102030405060708ULL);
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.readU8(a));
}

TEST(ByteIo, WriterLatchesOverflow) {
  std::array<uint8_t, 3> buf{};
  ByteWriter w(buf);
  EXPECT_TRUE(w.writeU16(1));
  EXPECT_FALSE(w.writeU16(2));
  EXPECT_TRUE(w.overflowed());
  EXPECT_FALSE(w.writeU8(3));  // stays failed
}

TEST(Hex, RoundTripAndRejectsBadDigits) {
  const std::vector<uint8_t> v{0x00, 0xfa, 0x10};
  EXPECT_EQ(toHex(v, ':', true), "00:FA:10");
  EXPECT_EQ(fromHex("00:FA:10"), v);
  EXPECT_TRUE(fromHex("0g").empty());
  EXPECT_TRUE(fromHex("abc").empty());
}

TEST(SeqNum, NewerAcrossWrap) {
  EXPECT_TRUE(seqNewer(1, 65535));
  EXPECT_FALSE(seqNewer(65535, 1));
  EXPECT_FALSE(seqNewer(5, 5));
  SeqUnwrapper u;
  EXPECT_EQ(u.unwrap(65534), 65534);
  EXPECT_EQ(u.unwrap(65535), 65535);
  EXPECT_EQ(u.unwrap(0), 65536);
  EXPECT_EQ(u.unwrap(65533), 65533);  // late packet from before the wrap
  EXPECT_EQ(u.unwrap(2), 65538);
}

}  // namespace
}  // namespace rtcgate
