#include "media/h264_sei.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rtcgate::media {
namespace {

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(H264Sei, WrittenUserDataReadsBack) {
  const auto nal = writeSeiUserData(kRtcgateSeiUuid, bytes(R"({"line":"one"})"));
  ASSERT_FALSE(nal.empty());
  EXPECT_EQ(nal[0], kNalSei);
  SeiReader reader;
  std::vector<SeiUserData> found;
  ASSERT_TRUE(reader.read(nal, found).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].uuid, kRtcgateSeiUuid);
  EXPECT_EQ(std::string(found[0].payload.begin(), found[0].payload.end()), R"({"line":"one"})");
}

TEST(H264Sei, EmulationPreventionBothWays) {
  // Zero runs in the payload would look like start codes without the 0x03 bytes.
  const std::vector<uint8_t> payload = {0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0};
  const auto nal = writeSeiUserData(kRtcgateSeiUuid, payload);
  for (size_t i = 2; i < nal.size(); ++i) EXPECT_FALSE(nal[i - 2] == 0 && nal[i - 1] == 0 && nal[i] <= 2) << i;
  SeiReader reader;
  std::vector<SeiUserData> found;
  ASSERT_TRUE(reader.read(nal, found).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(std::vector<uint8_t>(found[0].payload.begin(), found[0].payload.end()), payload);
}

TEST(H264Sei, LongPayloadSizeRunsAndOtherMessagesSkipped) {
  // A pic_timing-like message (type 1) first, then user data of 300 bytes (size 0xFF 0x3D).
  std::vector<uint8_t> nal = {kNalSei, 1, 2, 0xaa, 0xbb, 5, 0xff, 316 - 255};
  nal.insert(nal.end(), kX264SeiUuid.begin(), kX264SeiUuid.end());
  nal.insert(nal.end(), 300, 'a');
  nal.push_back(0x80);
  SeiReader reader;
  std::vector<SeiUserData> found;
  ASSERT_TRUE(reader.read(nal, found).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].uuid, kX264SeiUuid);
  EXPECT_EQ(found[0].payload.size(), 300u);
}

TEST(H264Sei, MalformedIsAnError) {
  SeiReader reader;
  std::vector<SeiUserData> found;
  EXPECT_FALSE(reader.read(std::vector<uint8_t>{}, found).ok());
  EXPECT_FALSE(reader.read(std::vector<uint8_t>{0x65, 5, 1}, found).ok());             // not SEI
  EXPECT_FALSE(reader.read(std::vector<uint8_t>{kNalSei, 5, 40, 1, 2, 3}, found).ok());  // past the end
  EXPECT_FALSE(reader.read(std::vector<uint8_t>{kNalSei, 5, 0xff}, found).ok());         // size cut short
  EXPECT_TRUE(found.empty());
  // User data shorter than its UUID is skipped, not read.
  EXPECT_TRUE(reader.read(std::vector<uint8_t>{kNalSei, 5, 3, 1, 2, 3, 0x80}, found).ok());
  EXPECT_TRUE(found.empty());
  EXPECT_TRUE(writeSeiUserData(kRtcgateSeiUuid, std::vector<uint8_t>(kMaxWrittenPayload + 1)).empty());
}

}  // namespace
}  // namespace rtcgate::media
