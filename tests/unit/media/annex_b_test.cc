#include "media/annex_b.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtcgate::media {
namespace {

std::vector<std::vector<uint8_t>> split(const std::vector<uint8_t>& b) {
  std::vector<std::vector<uint8_t>> out;
  AnnexBReader r(b);
  std::span<const uint8_t> nal;
  while (r.next(nal)) out.emplace_back(nal.begin(), nal.end());
  return out;
}

TEST(AnnexBReaderTest, SplitsThreeAndFourByteStartCodes) {
  const std::vector<uint8_t> b = {0,    0,    0,    1, 0x67, 0x42, 0, 0,    1,   0x68,
                                  0xce, 0x3c, 0x80, 0, 0,    0,    1, 0x65, 0x01};
  const auto nals = split(b);
  ASSERT_EQ(nals.size(), 3u);
  EXPECT_EQ(nals[0], (std::vector<uint8_t>{0x67, 0x42}));
  EXPECT_EQ(nals[1], (std::vector<uint8_t>{0x68, 0xce, 0x3c, 0x80}));
  EXPECT_EQ(nals[2], (std::vector<uint8_t>{0x65, 0x01}));
}

TEST(AnnexBReaderTest, SkipsLeadingGarbageTrailingZerosAndEmptyUnits) {
  const std::vector<uint8_t> b = {0xaa, 0, 0, 1, 0, 0, 1, 0x41, 0x02, 0, 0, 0, 0, 0, 1, 0x41, 0x03, 0, 0};
  const auto nals = split(b);
  ASSERT_EQ(nals.size(), 2u);
  EXPECT_EQ(nals[0], (std::vector<uint8_t>{0x41, 0x02}));
  EXPECT_EQ(nals[1], (std::vector<uint8_t>{0x41, 0x03}));
}

TEST(AnnexBReaderTest, EmptyAndStartCodeFreeInputsHoldNothing) {
  EXPECT_TRUE(split({}).empty());
  EXPECT_TRUE(split({1, 2, 3, 4}).empty());
  EXPECT_TRUE(split({0, 0, 1}).empty());
  EXPECT_TRUE(AnnexBReader(std::span<const uint8_t>{}).atEnd());
}

TEST(AnnexBReaderTest, NormalizeUsesFourByteStartCodes) {
  const std::vector<uint8_t> b = {0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68};
  EXPECT_EQ(normalizeAnnexB(b), (std::vector<uint8_t>{0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x68}));
}

}  // namespace
}  // namespace rtcgate::media
