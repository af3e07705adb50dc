#include "wire/rtmp/chunk_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "unit/wire/rtmp/rtmp_test_util.h"
#include "unit/wire/wire_test_util.h"
#include "wire/rtmp/chunk_writer.h"
#include "wire/rtmp/protocol_control.h"

namespace rtcgate::wire::rtmp {
namespace {

using rtcgate::test::hexBytes;
using test::OwnedMessage;
using test::pattern;
using test::readAll;

TEST(ChunkReader, ParsesFmt0SingleChunk) {
  // §5.3.1: fmt 0 csid 3, timestamp 1000, length 3, type 20, stream id 1 (little-endian).
  const auto bytes = hexBytes("03 0003e8 000003 14 01000000 aabbcc");
  auto msgs = readAll(bytes);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  const auto& m = (*msgs)[0];
  EXPECT_EQ(m.header, (MessageHeader{3, 1000, 20, 1}));
  EXPECT_EQ(m.payload, hexBytes("aabbcc"));
}

TEST(ChunkReader, AppliesFmt1And2DeltasAndFmt3Repeat) {
  // §5.3.1.2.4 example 1: fmt 0 at 1000, fmt 2 with delta 20, then fmt 3 repeats delta 20.
  // A fmt 1 changes the length and type with delta 5.
  const auto bytes = hexBytes(
      "03 0003e8 000001 08 01000000 11"
      "83 000014 22"
      "c3 33"
      "43 000005 000002 09 4455");
  auto msgs = readAll(bytes);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 4u);
  EXPECT_EQ((*msgs)[1].header.timestamp, 1020u);
  EXPECT_EQ((*msgs)[2].header.timestamp, 1040u);
  EXPECT_EQ((*msgs)[2].payload, hexBytes("33"));
  EXPECT_EQ((*msgs)[3].header, (MessageHeader{3, 1045, 9, 1}));
  EXPECT_EQ((*msgs)[3].payload, hexBytes("4455"));
}

TEST(ChunkReader, ReassemblesAcrossDefaultChunkSize) {
  const auto payload = pattern(300, 1);
  std::vector<uint8_t> bytes = hexBytes("04 000000 00012c 09 01000000");
  bytes.insert(bytes.end(), payload.begin(), payload.begin() + 128);
  bytes.push_back(0xC4);
  bytes.insert(bytes.end(), payload.begin() + 128, payload.begin() + 256);
  bytes.push_back(0xC4);
  bytes.insert(bytes.end(), payload.begin() + 256, payload.end());
  auto msgs = readAll(bytes);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].payload, payload);
}

TEST(ChunkReader, ExtendedTimestampAlsoOnFmt3Continuation) {
  // §5.3.1.3: timestamp 0x01020304 needs the extended field, repeated on the fmt 3 chunk.
  const auto payload = pattern(200, 9);
  std::vector<uint8_t> bytes = hexBytes("05 ffffff 0000c8 09 01000000 01020304");
  bytes.insert(bytes.end(), payload.begin(), payload.begin() + 128);
  const auto cont = hexBytes("c5 01020304");
  bytes.insert(bytes.end(), cont.begin(), cont.end());
  bytes.insert(bytes.end(), payload.begin() + 128, payload.end());
  auto msgs = readAll(bytes);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].header.timestamp, 0x01020304u);
  EXPECT_EQ((*msgs)[0].payload, payload);
}

TEST(ChunkReader, TwoAndThreeByteBasicHeaders) {
  // csid 64 + 0x10 = 80 in the 2-byte form; 64 + 0x01 + 0x02 * 256 = 577 in the 3-byte form.
  const auto bytes = hexBytes(
      "00 10 000001 000001 12 00000000 aa"
      "01 01 02 000002 000001 12 00000000 bb");
  auto msgs = readAll(bytes);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].header.chunkStreamId, 80u);
  EXPECT_EQ((*msgs)[1].header.chunkStreamId, 577u);
  EXPECT_EQ((*msgs)[1].header.timestamp, 2u);
}

TEST(ChunkReader, SetChunkSizeTakesEffectForTheNextChunk) {
  // Set Chunk Size 256 on csid 2, then a 200-byte message in one chunk.
  std::vector<uint8_t> bytes = hexBytes("02 000000 000004 01 00000000 00000100 04 000000 0000c8 09 01000000");
  const auto payload = pattern(200, 3);
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  ChunkReader reader;
  auto msgs = test::readInPieces(reader, bytes, {7});
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0].header.typeId, 1);
  EXPECT_EQ((*msgs)[1].payload, payload);
  EXPECT_EQ(reader.chunkSize(), 256u);
  EXPECT_EQ(reader.bytesRead(), bytes.size());
}

TEST(ChunkReader, AbortDropsPartialMessage) {
  // 200-byte message on csid 4 sends its first chunk, Abort(4), then a fresh message.
  std::vector<uint8_t> bytes = hexBytes("04 000000 0000c8 09 01000000");
  const auto part = pattern(128, 0);
  bytes.insert(bytes.end(), part.begin(), part.end());
  const auto rest = hexBytes("02 000000 000004 02 00000000 00000004 04 000010 000001 09 01000000 ee");
  bytes.insert(bytes.end(), rest.begin(), rest.end());
  auto msgs = readAll(bytes);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[1].payload, hexBytes("ee"));
  EXPECT_EQ((*msgs)[1].header.timestamp, 16u);
}

TEST(ChunkReader, ZeroLengthMessage) {
  auto msgs = readAll(hexBytes("03 000001 000000 14 00000000"));
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_TRUE((*msgs)[0].payload.empty());
}

struct ErrorCase {
  const char* name;
  std::string hex;
  const char* message;
};

TEST(ChunkReader, RejectsProtocolViolations) {
  const ErrorCase cases[] = {
      {"chunk size 0", "02 000000 000004 01 00000000 00000000", "chunk size 0"},
      {"chunk size high bit", "02 000000 000004 01 00000000 80000000", "chunk size high bit set"},
      {"chunk size over cap", "02 000000 000004 01 00000000 00100000", "chunk size over limit"},
      {"fmt 1 first", "43 000000 000001 14 aa", "fmt 1-3 chunk on a fresh chunk stream"},
      {"fmt 3 first", "c3 aa", "fmt 1-3 chunk on a fresh chunk stream"},
      {"header mid message",
       "03 000000 0000c8 09 00000000 " + std::string(256, 'a') + " 03 000000 000001 09 00000000 aa",
       "new chunk header inside an unfinished message"},
      {"short set chunk size", "02 000000 000002 01 00000000 0001", "control message shorter than 4 bytes"},
  };
  for (const auto& c : cases) {
    auto msgs = readAll(hexBytes(c.hex));
    ASSERT_FALSE(msgs.ok()) << c.name;
    EXPECT_STREQ(msgs.error().message, c.message) << c.name;
  }
}

TEST(ChunkReader, EnforcesMessageSizeAndStreamCountLimits) {
  ChunkReaderLimits limits;
  limits.maxMessageSize = 1000;
  auto big = readAll(hexBytes("03 000000 0003e9 09 00000000"), SIZE_MAX, limits);
  ASSERT_FALSE(big.ok());
  EXPECT_STREQ(big.error().message, "message length over limit");

  limits.maxChunkStreams = 2;
  auto many = readAll(
      hexBytes("03 000000 000000 09 00000000 04 000000 000000 09 00000000 05 000000 000000 09 00000000"),
      SIZE_MAX, limits);
  ASSERT_FALSE(many.ok());
  EXPECT_STREQ(many.error().message, "too many chunk streams");
}

// Bytes of one chunk: a fmt 0 header announcing `length` (or a fmt 3 continuation) and
// `payload` bytes.
std::vector<uint8_t> chunk(uint8_t csid, bool first, uint32_t length, size_t payload, uint8_t type = 9) {
  std::vector<uint8_t> out;
  if (first) {
    out = {csid, 0, 0, 0, uint8_t(length >> 16), uint8_t(length >> 8), uint8_t(length), type, 1, 0, 0, 0};
  } else {
    out = {uint8_t(0xC0 | csid)};
  }
  out.resize(out.size() + payload, 0x5A);
  return out;
}

std::vector<uint8_t> setChunkSize64k() { return hexBytes("02 000000 000004 01 00000000 00010000"); }

// Buffers of unfinished messages count against one budget per connection: a peer starting
// big messages on many chunk streams is refused, not given memory (and bad_alloc is never
// reached).
TEST(ChunkReader, MessageBuffersStayWithinTheBudget) {
  ChunkReaderLimits limits;
  limits.maxMessageSize = 4 * 1024 * 1024;
  limits.maxBufferedBytes = 1024 * 1024;
  ChunkReader reader(limits);
  auto bytes = setChunkSize64k();
  for (uint8_t csid = 3; csid < 3 + 8; ++csid) {
    auto c = chunk(csid, true, 4 * 1024 * 1024, 64 * 1024);
    bytes.insert(bytes.end(), c.begin(), c.end());
  }
  for (int round = 0; round < 4; ++round) {
    for (uint8_t csid = 3; csid < 3 + 8; ++csid) {
      auto c = chunk(csid, false, 0, 64 * 1024);
      bytes.insert(bytes.end(), c.begin(), c.end());
    }
  }
  auto out = test::readInPieces(reader, bytes, {4096});
  ASSERT_FALSE(out.ok());
  EXPECT_STREQ(out.error().message, "RTMP message buffers over the connection's budget");
  EXPECT_LE(reader.bufferedBytes(), limits.maxBufferedBytes);
}

// Within the budget, large messages still arrive whole, and a buffer left by a big message
// is given back when small ones follow.
TEST(ChunkReader, BigMessageWithinBudgetThenItsBufferIsReleased) {
  ChunkReaderLimits limits;
  limits.maxBufferedBytes = 2 * 1024 * 1024;
  ChunkReader reader(limits);
  auto bytes = setChunkSize64k();
  const uint32_t big = 1024 * 1024;
  for (uint32_t sent = 0; sent < big; sent += 64 * 1024) {
    auto c = chunk(3, sent == 0, big, 64 * 1024);
    bytes.insert(bytes.end(), c.begin(), c.end());
  }
  auto out = test::readInPieces(reader, bytes, {1000});
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 2U);
  EXPECT_EQ(out->back().payload.size(), big);
  EXPECT_GE(reader.bufferedBytes(), big);
  auto small = chunk(3, true, 100, 100);
  auto more = test::readInPieces(reader, small, {100});
  ASSERT_TRUE(more.ok());
  EXPECT_LT(reader.bufferedBytes(), 256 * 1024);
}

// A stream with interleaved chunk streams, extended timestamps, fmt 0-3 headers and a
// chunk size change in the middle, built by the writer.
std::vector<uint8_t> buildMixedStream(std::vector<OwnedMessage>& sent) {
  ChunkWriter w;
  std::vector<uint8_t> out;
  uint32_t ts = 0xFFFF00;  // crosses into extended timestamps
  for (int i = 0; i < 40; ++i) {
    if (i == 20) {
      std::array<uint8_t, 4> p{};
      EXPECT_TRUE(SetChunkSize{4000}.serializeTo(p).ok());
      MessageHeader h{kControlChunkStreamId, 0, 1, 0};
      EXPECT_TRUE(w.append(h, p, out).ok());
      sent.push_back({h, {p.begin(), p.end()}});
      EXPECT_TRUE(w.setChunkSize(4000).ok());
    }
    const bool video = i % 3 != 0;
    MessageHeader h{video ? 6u : 300u, ts, static_cast<uint8_t>(video ? 9 : 8), 1};
    auto payload = pattern(video ? 500 + 37 * i : 10, static_cast<uint8_t>(i));
    EXPECT_TRUE(w.append(h, payload, out).ok());
    sent.push_back({h, payload});
    ts += video ? 33 : 0;
  }
  return out;
}

TEST(ChunkReader, ByteByByteAndRandomSplitsGiveIdenticalMessages) {
  std::vector<OwnedMessage> sent;
  const auto bytes = buildMixedStream(sent);
  auto whole = readAll(bytes);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(*whole, sent);
  auto single = readAll(bytes, 1);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(*single, sent);
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::vector<size_t> pieces(50);
    for (auto& p : pieces) p = 1 + rng() % 700;
    ChunkReader reader;
    auto split = test::readInPieces(reader, bytes, pieces);
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(*split, sent) << "round " << round;
  }
}

TEST(ChunkReader, EveryTruncationYieldsAPrefixOfTheMessages) {
  std::vector<OwnedMessage> sent;
  const auto bytes = buildMixedStream(sent);
  for (size_t len = 0; len < bytes.size(); len += 13) {
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    auto msgs = readAll(prefix);
    ASSERT_TRUE(msgs.ok());
    ASSERT_LE(msgs->size(), sent.size());
    for (size_t i = 0; i < msgs->size(); ++i) EXPECT_EQ((*msgs)[i], sent[i]);
  }
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
