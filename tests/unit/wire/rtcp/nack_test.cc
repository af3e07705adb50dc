#include "wire/rtcp/nack.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

TEST(Nack, ParsesHandBuiltPacket) {
  // Lost 100, 101 and 103: PID 100, BLP bits 0 and 2.
  const auto bytes = hexBytes("81cd0003 00000001 11223344 00640005");
  auto n = Nack::parse(bytes);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->senderSsrc, 1u);
  EXPECT_EQ(n->mediaSsrc, 0x11223344u);
  ASSERT_EQ(n->count, 1);
  EXPECT_EQ(n->pairs[0], (NackPair{100, 5}));
  std::array<uint16_t, 17> seqs{};
  ASSERT_EQ(expandNackPairs(n->items(), seqs), 3u);
  EXPECT_EQ(seqs[2], 103);
  std::vector<uint8_t> out(n->size());
  ASSERT_TRUE(n->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto s) { return Nack::parse(s); });
}

TEST(Nack, BuildsMinimalPairs) {
  struct Case {
    const char* name;
    std::vector<uint16_t> lost;
    std::vector<NackPair> pairs;
  };
  const std::vector<Case> cases = {
      {"none", {}, {}},
      {"single", {100}, {{100, 0}}},
      {"seventeen in one pair",
       {100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116},
       {{100, 0xffff}}},
      {"eighteenth needs a new pair", {100, 117}, {{100, 0}, {117, 0}}},
      {"sparse within 16", {100, 116}, {{100, 0x8000}}},
      {"across the wrap", {65534, 65535, 0, 1}, {{65534, 0x0007}}},
      {"duplicates folded", {5, 5, 6}, {{5, 1}}},
  };
  for (const auto& c : cases) {
    std::array<NackPair, 8> out{};
    const size_t n = buildNackPairs(c.lost, out);
    EXPECT_EQ(std::vector<NackPair>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)), c.pairs)
        << c.name;
  }
}

TEST(Nack, ExpandsBackToTheLostList) {
  const std::vector<uint16_t> lost = {10, 11, 20, 26, 27, 40, 65535, 3};
  std::array<NackPair, 8> pairs{};
  const size_t n = buildNackPairs(lost, pairs);
  std::array<uint16_t, 64> back{};
  const size_t m = expandNackPairs(std::span(pairs).first(n), back);
  EXPECT_EQ(std::vector<uint16_t>(back.begin(), back.begin() + static_cast<std::ptrdiff_t>(m)), lost);
  // A short output buffer stops cleanly.
  std::array<uint16_t, 2> small{};
  EXPECT_EQ(expandNackPairs(std::span(pairs).first(n), small), 2u);
}

TEST(Nack, SetLostReportsOverflow) {
  Nack n;
  std::vector<uint16_t> lost;
  for (size_t i = 0; i < Nack::kMaxPairs + 1; ++i) lost.push_back(static_cast<uint16_t>(i * 20));
  EXPECT_FALSE(n.setLost(lost));
  EXPECT_EQ(n.count, Nack::kMaxPairs);
  lost.pop_back();
  EXPECT_TRUE(n.setLost(lost));
  const std::vector<uint16_t> few = {1, 2, 3};
  EXPECT_TRUE(n.setLost(few));
  EXPECT_EQ(n.count, 1);
}

TEST(Nack, RejectsEmptyOrUnalignedFci) {
  EXPECT_FALSE(Nack::parse(hexBytes("81cd0002 00000001 11223344")).ok());
  EXPECT_FALSE(Nack::parse(hexBytes("82cd0003 00000001 11223344 00640005")).ok());  // FMT 2
  Nack empty;
  std::vector<uint8_t> out(64);
  EXPECT_FALSE(empty.serializeTo(out).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
