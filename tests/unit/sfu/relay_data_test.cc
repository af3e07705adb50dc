#include "sfu/relay_data.h"

#include <gtest/gtest.h>

namespace rtcgate::sfu {
namespace {

std::shared_ptr<const std::vector<uint8_t>> bytesOf(std::string_view s) {
  return std::make_shared<const std::vector<uint8_t>>(s.begin(), s.end());
}

TEST(RelayData, AStampedMessageRoundTrips) {
  DataMessage m{"metadata", "json", {wire::sctp::ChannelReliability::kRexmit | 0x80, 3}, false, bytesOf(R"({"k":1})"),
                MediaStamp{MediaKind::kVideo, {}}};
  m.stamp->layerTimestamps[0] = 90000;
  m.stamp->layerTimestamps[2] = 0xFFFFFFFF;
  const auto bytes = encodeRelayData(m);
  auto back = parseRelayData(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->label, "metadata");
  EXPECT_EQ(back->protocol, "json");
  EXPECT_EQ(back->reliability.type, m.reliability.type);
  EXPECT_EQ(back->reliability.parameter, 3u);
  EXPECT_FALSE(back->binary);
  ASSERT_TRUE(back->stamp.has_value());
  EXPECT_EQ(back->stamp->kind, MediaKind::kVideo);
  EXPECT_EQ(back->stamp->layerTimestamps[0], 90000u);
  EXPECT_FALSE(back->stamp->layerTimestamps[1].has_value());
  EXPECT_EQ(back->stamp->layerTimestamps[2], 0xFFFFFFFFu);
  EXPECT_EQ(std::string(back->bytes->begin(), back->bytes->end()), R"({"k":1})");
}

TEST(RelayData, ABinaryMessageWithoutStampRoundTrips) {
  const std::vector<uint8_t> payload{0, 1, 2, 255};
  DataMessage m{"chat", "", {}, true, std::make_shared<const std::vector<uint8_t>>(payload), std::nullopt};
  auto back = parseRelayData(encodeRelayData(m));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->binary);
  EXPECT_FALSE(back->stamp.has_value());
  EXPECT_EQ(*back->bytes, payload);
}

TEST(RelayData, RefusesWhatNoNodeSends) {
  const std::vector<std::vector<uint8_t>> bad{
      {},
      {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},               // another version
      {1, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0},               // unknown flag
      {1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0},               // unknown reliability
      {1, 0, 0, 0, 0, 0, 0, 0, 5, 'a'},                // label longer than the bytes
      {1, 0, 0, 0, 0, 0, 0, 0, 0},                     // no protocol length
      {1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},            // stamped, empty mask
      {1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0},      // stamped, timestamp cut short
      {1, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0},               // stamp kind without a stamp
      {1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10},         // a fifth layer
  };
  for (const auto& b : bad) EXPECT_FALSE(parseRelayData(b).ok()) << b.size();
  std::vector<uint8_t> longLabel{1, 0, 0, 0, 0, 0, 0, 0x04, 0x01};  // 1025 bytes of label
  longLabel.resize(longLabel.size() + 1025 + 2, 'a');
  EXPECT_FALSE(parseRelayData(longLabel).ok());
}

}  // namespace
}  // namespace rtcgate::sfu
