#include "wire/rtcp/transport_feedback.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

// Hand-computed: reference time 2 (128 ms); seq 100 at 129 ms (delta 4 ticks), 101 lost,
// 102 at 139 ms (delta 40), 103 at 239 ms (delta 400: large). One 2-bit vector chunk
// 11|01 00 01 10 00 00 00 = 0xD180, deltas 04 28 0190, two bytes of RTCP padding.
constexpr std::string_view kMixed = "afcd0006 00000001 11223344 00640004 00000207 d180 04280190 0002";

std::vector<uint8_t> build(const TransportFeedbackBuilder& b) {
  std::vector<uint8_t> out(b.size());
  auto n = b.serializeTo(out);
  EXPECT_TRUE(n.ok());
  EXPECT_EQ(*n, out.size());
  return out;
}

std::vector<TwccPacketStatus> statuses(const TransportFeedback& fb) {
  std::vector<TwccPacketStatus> v;
  auto it = fb.packets();
  TwccPacketStatus s;
  while (it.next(s)) v.push_back(s);
  return v;
}

TEST(TransportFeedback, BuilderEmitsHandComputedBytes) {
  TransportFeedbackBuilder b(1, 0x11223344, 7);
  ASSERT_TRUE(b.add(100, 129000));
  ASSERT_TRUE(b.add(102, 139000));  // 101 becomes "not received"
  ASSERT_TRUE(b.add(103, 239000));
  EXPECT_EQ(build(b), hexBytes(kMixed));
}

TEST(TransportFeedback, ParsesHandComputedBytes) {
  const auto bytes = hexBytes(kMixed);
  auto fb = TransportFeedback::parse(bytes);
  ASSERT_TRUE(fb.ok()) << fb.error().message;
  EXPECT_EQ(fb->senderSsrc(), 1u);
  EXPECT_EQ(fb->mediaSsrc(), 0x11223344u);
  EXPECT_EQ(fb->baseSequence(), 100);
  EXPECT_EQ(fb->statusCount(), 4);
  EXPECT_EQ(fb->referenceTime(), 2);
  EXPECT_EQ(fb->referenceTimeUs(), 128000);
  EXPECT_EQ(fb->feedbackCount(), 7);
  EXPECT_EQ(fb->receivedCount(), 3u);
  const auto s = statuses(*fb);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_TRUE(s[0].received);
  EXPECT_EQ(s[0].deltaTicks, 4);
  EXPECT_EQ(s[0].arrivalUs, 129000);
  EXPECT_EQ(s[1].seq, 101);
  EXPECT_FALSE(s[1].received);
  EXPECT_EQ(s[2].arrivalUs, 139000);
  EXPECT_EQ(s[3].deltaTicks, 400);
  EXPECT_EQ(s[3].arrivalUs, 239000);
  std::vector<uint8_t> out(fb->size());
  ASSERT_TRUE(fb->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto p) { return TransportFeedback::parse(p); });
}

TEST(TransportFeedback, ChunkChoiceTable) {
  struct Case {
    const char* name;
    std::vector<std::pair<uint16_t, int64_t>> adds;  // (seq, arrival µs)
    std::string_view chunks;                         // expected chunk bytes
  };
  std::vector<std::pair<uint16_t, int64_t>> twenty;
  for (uint16_t i = 0; i < 20; ++i) twenty.push_back({i, 1000 * i});
  const std::vector<Case> cases = {
      // 20 small deltas: one run-length chunk, status 1, run 20.
      {"run length", twenty, "2014"},
      // 1,0,1,0,1,1,1,1: one 1-bit vector 1|0|10101111000000.
      {"one-bit vector", {{0, 0}, {2, 1000}, {4, 2000}, {5, 3000}, {6, 4000}, {7, 5000}}, "abc0"},
      // 1 then 99 lost then 1: 1-bit vector of 14, run of 86 lost, 1-bit vector.
      {"long loss", {{0, 0}, {100, 1000}}, "a000 0056 a000"},
      // A negative delta needs the 2-bit form.
      {"negative delta", {{0, 10000}, {1, 5000}}, "d800"},
  };
  for (const auto& c : cases) {
    TransportFeedbackBuilder b(1, 2, 0);
    for (auto [seq, t] : c.adds) ASSERT_TRUE(b.add(seq, t)) << c.name;
    const auto bytes = build(b);
    const auto expected = hexBytes(c.chunks);
    ASSERT_GE(bytes.size(), 20 + expected.size()) << c.name;
    EXPECT_EQ(std::vector<uint8_t>(bytes.begin() + 20,
                                   bytes.begin() + 20 + static_cast<std::ptrdiff_t>(expected.size())),
              expected)
        << c.name;
    auto fb = TransportFeedback::parse(bytes);
    ASSERT_TRUE(fb.ok()) << c.name;
    const auto s = statuses(*fb);
    ASSERT_EQ(s.size(), b.packetCount()) << c.name;
    size_t k = 0;
    for (const auto& st : s) {
      if (!st.received) continue;
      ASSERT_LT(k, c.adds.size());
      EXPECT_EQ(st.seq, c.adds[k].first) << c.name;
      EXPECT_EQ(st.arrivalUs, c.adds[k].second) << c.name;
      ++k;
    }
    EXPECT_EQ(k, c.adds.size()) << c.name;
  }
}

TEST(TransportFeedback, BuilderRefusesOldSeqAndHugeDelta) {
  TransportFeedbackBuilder b(1, 2, 0);
  ASSERT_TRUE(b.add(10, 0));
  EXPECT_FALSE(b.add(10, 1000));
  EXPECT_FALSE(b.add(5, 1000));
  EXPECT_FALSE(b.add(11, 10'000'000));  // 40000 ticks does not fit int16
  EXPECT_EQ(b.packetCount(), 1u);
  EXPECT_TRUE(b.add(11, std::nullopt));
  EXPECT_FALSE(b.add(static_cast<uint16_t>(11 + TransportFeedbackBuilder::kMaxPackets), 0));
  TransportFeedbackBuilder empty(1, 2, 0);
  std::vector<uint8_t> out(64);
  EXPECT_FALSE(empty.serializeTo(out).ok());
}

TEST(TransportFeedback, RandomRoundTripsAcrossWrap) {
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    TransportFeedbackBuilder b(1, 2, static_cast<uint8_t>(round));
    uint16_t seq = static_cast<uint16_t>(65500 + round);
    int64_t t = 5'000'000 + 777 * round;
    std::vector<std::optional<int64_t>> expected;
    for (int i = 0; i < 300; ++i, ++seq) {
      const bool lost = rng() % 5 == 0;
      t += static_cast<int64_t>(rng() % 30000) - 3000;  // occasional reordering in time
      std::optional<int64_t> arrival = lost ? std::nullopt : std::optional<int64_t>(t);
      ASSERT_TRUE(b.add(seq, arrival));
      // The wire carries 250 µs ticks, rounded to nearest.
      expected.push_back(lost ? std::nullopt : std::optional<int64_t>((t + 125) / 250 * 250));
    }
    const auto bytes = build(b);
    auto fb = TransportFeedback::parse(bytes);
    ASSERT_TRUE(fb.ok());
    const auto s = statuses(*fb);
    ASSERT_EQ(s.size(), expected.size());
    for (size_t i = 0; i < s.size(); ++i) {
      EXPECT_EQ(s[i].seq, static_cast<uint16_t>(65500 + round + i));
      ASSERT_EQ(s[i].received, expected[i].has_value()) << i;
      if (s[i].received) {
        EXPECT_EQ(s[i].arrivalUs, *expected[i]) << i;
      }
    }
  }
}

TEST(TransportFeedback, ParserEdgeCases) {
  struct Case {
    const char* name;
    std::string_view hex;
    bool ok;
  };
  const Case cases[] = {
      // A zero-length run chunk carries nothing; the next chunk covers the one status.
      {"zero run skipped", "8fcd0006 00000001 00000002 00000001 00000000 0000 2001 0a000000", true},
      {"zero status count", "8fcd0005 00000001 00000002 00000000 00000000 20010000", false},
      {"reserved symbol", "8fcd0005 00000001 00000002 00000001 00000000 60010000", false},
      {"missing delta", "8fcd0005 00000001 00000002 00000002 00000000 4002 0a00", false},
      {"deltas read as a chunk", "8fcd0005 00000001 00000002 00000010 00000000 2001 0a00", false},
      // Trailing zero bytes without the P bit (older senders) are tolerated.
      {"unflagged zero padding", "8fcd0005 00000001 00000002 00000001 00000000 2001 0a00", true},
  };
  for (const auto& c : cases) {
    const auto bytes = hexBytes(c.hex);  // the view borrows it
    auto fb = TransportFeedback::parse(bytes);
    EXPECT_EQ(fb.ok(), c.ok) << c.name;
    if (fb.ok()) {
      const auto s = statuses(*fb);
      ASSERT_EQ(s.size(), 1u) << c.name;
      EXPECT_EQ(s[0].deltaTicks, 10) << c.name;
    }
  }
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
