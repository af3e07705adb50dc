// RFC 4571 framing: one frame, zero and maximum lengths, truncation, and a stream of frames
// read back whatever the split of its reads.
#include "wire/rfc4571/frame.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "../wire_test_util.h"

namespace rtcgate::wire::rfc4571 {
namespace {

std::vector<uint8_t> framed(const std::vector<std::vector<uint8_t>>& payloads) {
  std::vector<uint8_t> out;
  for (const auto& p : payloads) {
    std::vector<uint8_t> one(kHeaderSize + p.size());
    auto n = serializeTo(one, p);
    EXPECT_TRUE(n.ok());
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

TEST(Rfc4571Frame, ParsesOneFrameAndSaysItsWireSize) {
  const auto bytes = test::hexBytes("0003aabbcc11");
  auto f = parseFrame(bytes);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->wireSize, 5u);
  ASSERT_EQ(f->payload.size(), 3u);
  EXPECT_EQ(f->payload[0], 0xaa);
  EXPECT_EQ(f->payload[2], 0xcc);
}

TEST(Rfc4571Frame, ZeroLengthIsAnEmptyFrame) {
  const auto bytes = test::hexBytes("0000");
  auto f = parseFrame(bytes);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->payload.empty());
  EXPECT_EQ(f->wireSize, 2u);
}

TEST(Rfc4571Frame, MaximumLength65535) {
  const auto payload = pattern(kMaxPayload, 3);
  std::vector<uint8_t> out(kHeaderSize + kMaxPayload);
  auto n = serializeTo(out, payload);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(out[0], 0xff);
  EXPECT_EQ(out[1], 0xff);
  auto f = parseFrame(out);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->payload.size(), kMaxPayload);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), f->payload.begin()));
}

TEST(Rfc4571Frame, LongerThan65535CannotBeWritten) {
  std::vector<uint8_t> out(kHeaderSize + kMaxPayload + 1);
  const std::vector<uint8_t> payload(kMaxPayload + 1);
  auto n = serializeTo(out, payload);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, Error::Code::kMalformed);
  std::vector<uint8_t> small(4);
  EXPECT_EQ(serializeTo(small, std::vector<uint8_t>(3)).error().code, Error::Code::kNoSpace);
}

TEST(Rfc4571Frame, EveryTruncationIsIncomplete) {
  const auto bytes = framed({pattern(40, 1)});
  test::expectEveryTruncationRejected(bytes, [](std::span<const uint8_t> b) { return parseFrame(b); });
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_EQ(parseFrame(std::span(bytes).first(len)).error().code, Error::Code::kTruncated);
  }
}

// The same stream of frames (of 0, 1, small, MTU-sized and one byte below the limit)
// comes out whole wherever the reads split it: two reads split at every byte boundary.
TEST(Rfc4571FrameReader, SplitAtEveryByteBoundary) {
  const std::vector<std::vector<uint8_t>> payloads = {{}, {0x42}, pattern(20, 9), pattern(1200, 5), {}, pattern(3, 1)};
  const auto stream = framed(payloads);
  for (size_t split = 0; split <= stream.size(); ++split) {
    std::vector<uint8_t> storage(kHeaderSize + 1500);
    FrameReader reader(storage, 1500);
    std::vector<std::vector<uint8_t>> got;
    auto drain = [&] {
      for (auto n = reader.next(); n.status == FrameReader::Status::kFrame; n = reader.next())
        got.emplace_back(n.payload.begin(), n.payload.end());
    };
    std::span<const uint8_t> rest(stream);
    for (auto part : {rest.first(split), rest.subspan(split)}) {
      while (!part.empty()) {
        const size_t took = reader.feed(part);
        ASSERT_GT(took, 0u) << "reader full at split " << split;
        part = part.subspan(took);
        drain();
      }
    }
    ASSERT_EQ(got, payloads) << "split at " << split;
    EXPECT_EQ(reader.buffered(), 0u);
  }
}

// One byte per read: the slowest possible peer still yields every frame.
TEST(Rfc4571FrameReader, ByteByByte) {
  const std::vector<std::vector<uint8_t>> payloads = {pattern(100, 2), {}, pattern(7, 8)};
  const auto stream = framed(payloads);
  std::vector<uint8_t> storage(kHeaderSize + 128);
  FrameReader reader(storage, 128);
  std::vector<std::vector<uint8_t>> got;
  for (uint8_t b : stream) {
    ASSERT_EQ(reader.feed(std::span(&b, 1)), 1u);
    for (auto n = reader.next(); n.status == FrameReader::Status::kFrame; n = reader.next())
      got.emplace_back(n.payload.begin(), n.payload.end());
  }
  EXPECT_EQ(got, payloads);
}

TEST(Rfc4571FrameReader, FrameAboveTheLimitStopsTheStream) {
  std::vector<uint8_t> storage(kHeaderSize + 64);
  FrameReader reader(storage, 64);
  const auto ok = framed({pattern(64, 1)});
  reader.feed(ok);
  EXPECT_EQ(reader.next().status, FrameReader::Status::kFrame);
  const auto big = test::hexBytes("0041");  // 65 bytes announced
  reader.feed(big);
  EXPECT_EQ(reader.next().status, FrameReader::Status::kTooLarge);
  EXPECT_EQ(reader.next().status, FrameReader::Status::kTooLarge);
}

TEST(Rfc4571FrameReader, MaxPayloadIsLoweredToTheStorage) {
  std::vector<uint8_t> storage(10);
  FrameReader reader(storage, 65535);
  EXPECT_EQ(reader.maxPayload(), 8u);
  std::vector<uint8_t> none;
  FrameReader empty(none, 100);
  EXPECT_EQ(empty.maxPayload(), 0u);
  EXPECT_EQ(empty.next().status, FrameReader::Status::kNeedMore);
}

// Garbage is only ever a run of frames of whatever lengths it spells: the reader hands out
// frames that tile the input exactly, or stops at a frame it cannot hold.
TEST(Rfc4571FrameReader, GarbageTilesIntoFramesOrStops) {
  for (uint8_t seed = 0; seed < 50; ++seed) {
    const auto garbage = pattern(3000, seed);
    std::vector<uint8_t> storage(kHeaderSize + 1024);
    FrameReader reader(storage, 1024);
    size_t consumed = 0, fed = 0;
    bool stopped = false;
    while (fed < garbage.size() && !stopped) {
      fed += reader.feed(std::span(garbage).subspan(fed, std::min<size_t>(97, garbage.size() - fed)));
      for (auto n = reader.next();; n = reader.next()) {
        if (n.status == FrameReader::Status::kFrame) {
          const auto expected = std::span(garbage).subspan(consumed + kHeaderSize, n.payload.size());
          ASSERT_TRUE(std::equal(expected.begin(), expected.end(), n.payload.begin()));
          consumed += kHeaderSize + n.payload.size();
          continue;
        }
        stopped = n.status == FrameReader::Status::kTooLarge;
        break;
      }
    }
    EXPECT_EQ(consumed + reader.buffered(), fed);
    EXPECT_LE(reader.buffered(), storage.size());
  }
}

}  // namespace
}  // namespace rtcgate::wire::rfc4571
