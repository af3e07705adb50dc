#include "media/vp8_packetizer.h"

#include <gtest/gtest.h>

#include "packetizer_test_util.h"
#include "wire/payload/vp8_descriptor.h"

namespace rtcgate::media {
namespace {

using test::TestPacket;
using wire::payload::Vp8Descriptor;

TEST(Vp8PacketizerTest, SplitsLargeFrameIntoBalancedPayloadsWithinMtu) {
  const auto frame = test::vp8Frame(5000, true);
  uint16_t seq = 0;
  const auto packets = test::packetizeVp8(frame, seq, 0, 1100, 0x1234);
  ASSERT_EQ(packets.size(), 5u);  // 1096 bytes of frame per packet at most
  std::vector<uint8_t> joined;
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& p = packets[i];
    EXPECT_LE(p.payload.size(), 1100u);
    EXPECT_EQ(p.marker, i + 1 == packets.size());
    auto d = Vp8Descriptor::parse(p.payload);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->size, Vp8Packetizer::kDescriptorSize);
    EXPECT_EQ(d->startOfPartition, i == 0);
    EXPECT_EQ(d->partitionIndex, 0);
    EXPECT_TRUE(d->hasPictureId && d->longPictureId);
    EXPECT_EQ(d->pictureId, 0x1234);
    EXPECT_EQ(d->keyframeStart, i == 0);
    EXPECT_EQ(p.payload.size(), 1004u);  // 5000 / 5 + 4
    joined.insert(joined.end(), p.payload.begin() + 4, p.payload.end());
  }
  EXPECT_EQ(joined, frame);
}

TEST(Vp8PacketizerTest, SmallFrameIsOnePacketWithMarker) {
  const auto frame = test::vp8Frame(20, false);
  uint16_t seq = 7;
  const auto packets = test::packetizeVp8(frame, seq, 0);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_TRUE(packets[0].marker);
  EXPECT_EQ(packets[0].payload.size(), 24u);
  EXPECT_EQ(seq, 8);
}

TEST(Vp8PacketizerTest, RefusesSmallBufferAndFinishedFrame) {
  const auto frame = test::vp8Frame(100, true);
  Vp8Packetizer p;
  p.setFrame(frame, 1);
  std::array<uint8_t, 50> small{};
  auto r = p.next(small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Error::Code::kNoSpace);
  std::array<uint8_t, 200> buf{};
  ASSERT_TRUE(p.next(buf).ok());
  EXPECT_FALSE(p.hasNext());
  EXPECT_EQ(p.next(buf).error().code, Error::Code::kState);
}

TEST(Vp8PacketizerTest, SetPictureIdRewritesFifteenBits) {
  const auto frame = test::vp8Frame(30, true);
  uint16_t seq = 0;
  auto packets = test::packetizeVp8(frame, seq, 0, 1100, 1);
  Vp8Packetizer::setPictureId(packets[0].payload, 0xffff);
  auto d = Vp8Descriptor::parse(packets[0].payload);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->pictureId, 0x7fff);
}

}  // namespace
}  // namespace rtcgate::media
