#include "wire/rtmp/chunk_writer.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/byte_reader.h"
#include "unit/wire/rtmp/rtmp_test_util.h"
#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtmp {
namespace {

using rtcgate::test::hexBytes;
using test::pattern;

std::vector<uint8_t> writeOne(ChunkWriter& w, MessageHeader h, std::span<const uint8_t> payload) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(w.append(h, payload, out).ok());
  return out;
}

TEST(ChunkWriter, ChoosesFmt0Then2Then3Then1) {
  ChunkWriter w;
  const auto p1 = hexBytes("11");
  EXPECT_EQ(writeOne(w, {3, 1000, 8, 1}, p1), hexBytes("03 0003e8 000001 08 01000000 11"));
  // Same length and type, new delta: fmt 2.
  EXPECT_EQ(writeOne(w, {3, 1020, 8, 1}, hexBytes("22")), hexBytes("83 000014 22"));
  // Same delta again: fmt 3.
  EXPECT_EQ(writeOne(w, {3, 1040, 8, 1}, hexBytes("33")), hexBytes("c3 33"));
  // Length and type change: fmt 1.
  EXPECT_EQ(writeOne(w, {3, 1045, 9, 1}, hexBytes("4455")), hexBytes("43 000005 000002 09 4455"));
  // Another message stream or time going backwards: fmt 0.
  EXPECT_EQ(writeOne(w, {3, 1045, 9, 2}, hexBytes("4455")), hexBytes("03 000415 000002 09 02000000 4455"));
  EXPECT_EQ(writeOne(w, {3, 10, 9, 2}, hexBytes("4455")), hexBytes("03 00000a 000002 09 02000000 4455"));
}

TEST(ChunkWriter, NeverUsesFmt3RightAfterFmt0) {
  // How a peer reads a fmt 3 that follows a fmt 0 differs between implementations.
  ChunkWriter w;
  writeOne(w, {3, 0, 8, 1}, hexBytes("11"));
  EXPECT_EQ(writeOne(w, {3, 0, 8, 1}, hexBytes("22")), hexBytes("83 000000 22"));
}

TEST(ChunkWriter, SplitsAndRepeatsExtendedTimestamp) {
  ChunkWriter w;
  const auto payload = pattern(200, 0);
  auto out = writeOne(w, {5, 0x01020304, 9, 1}, payload);
  std::vector<uint8_t> expected = hexBytes("05 ffffff 0000c8 09 01000000 01020304");
  expected.insert(expected.end(), payload.begin(), payload.begin() + 128);
  const auto cont = hexBytes("c5 01020304");
  expected.insert(expected.end(), cont.begin(), cont.end());
  expected.insert(expected.end(), payload.begin() + 128, payload.end());
  EXPECT_EQ(out, expected);
}

TEST(ChunkWriter, BasicHeaderForms) {
  ChunkWriter w;
  EXPECT_EQ(writeOne(w, {63, 0, 8, 0}, {}), hexBytes("3f 000000 000000 08 00000000"));
  EXPECT_EQ(writeOne(w, {64, 0, 8, 0}, {}), hexBytes("00 00 000000 000000 08 00000000"));
  EXPECT_EQ(writeOne(w, {319, 0, 8, 0}, {}), hexBytes("00 ff 000000 000000 08 00000000"));
  EXPECT_EQ(writeOne(w, {320, 0, 8, 0}, {}), hexBytes("01 00 01 000000 000000 08 00000000"));
  EXPECT_EQ(writeOne(w, {65599, 0, 8, 0}, {}), hexBytes("01 ff ff 000000 000000 08 00000000"));
  std::vector<uint8_t> out;
  EXPECT_FALSE(w.append({1, 0, 8, 0}, {}, out).ok());
  EXPECT_FALSE(w.append({65600, 0, 8, 0}, {}, out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(ChunkWriter, RoundTripsThroughReaderAtManyChunkSizes) {
  for (uint32_t chunkSize : {1u, 2u, 127u, 128u, 4096u, 65536u}) {
    ChunkWriter w;
    ASSERT_TRUE(w.setChunkSize(chunkSize).ok());
    ChunkReaderLimits limits;
    std::vector<uint8_t> bytes;
    std::vector<test::OwnedMessage> sent;
    // The reader learns the chunk size from a Set Chunk Size sent at the old size.
    std::array<uint8_t, 4> scs{0, 0, 0, 0};
    storeU32(scs.data(), chunkSize);
    ChunkWriter control;
    ASSERT_TRUE(control.append({2, 0, 1, 0}, scs, bytes).ok());
    sent.push_back({{2, 0, 1, 0}, {scs.begin(), scs.end()}});
    uint32_t ts = 0xFFFFF0;
    for (int i = 0; i < 12; ++i) {
      MessageHeader h{static_cast<uint32_t>(3 + i % 3), ts, static_cast<uint8_t>(8 + i % 2), 1};
      auto payload = pattern(static_cast<size_t>(i * 97 % 700), static_cast<uint8_t>(i));
      ASSERT_TRUE(w.append(h, payload, bytes).ok());
      sent.push_back({h, payload});
      ts += i % 4 == 0 ? 0 : 40;
    }
    auto got = test::readAll(bytes, 3, limits);
    ASSERT_TRUE(got.ok()) << chunkSize << ": " << got.error().message;
    EXPECT_EQ(*got, sent) << chunkSize;
  }
}

TEST(ChunkWriter, FailsCleanlyWhenOutputTooSmall) {
  ChunkWriter w;
  std::array<uint8_t, 10> small{};
  const auto payload = pattern(20, 0);
  EXPECT_FALSE(w.write({3, 0, 9, 1}, payload, small).ok());
  // State unchanged: the next write still starts with fmt 0.
  auto out = writeOne(w, {3, 0, 9, 1}, hexBytes("01"));
  EXPECT_EQ(out[0] >> 6, 0);
  EXPECT_FALSE(w.setChunkSize(0).ok());
  EXPECT_FALSE(w.setChunkSize(0x80000000u).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
