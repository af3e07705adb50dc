#include "media/h264_packetizer.h"

#include <gtest/gtest.h>

#include "base/byte_reader.h"
#include "packetizer_test_util.h"
#include "wire/payload/h264_keyframe.h"

namespace rtcgate::media {
namespace {

using test::nal;

constexpr uint8_t kStapA = 24;
constexpr uint8_t kFuA = 28;

TEST(H264PacketizerTest, AggregatesSpsPpsAndFragmentsLargeIdr) {
  const auto sps = nal(kNalSps, 12), pps = nal(kNalPps, 4), idr = nal(kNalIdr, 2500);
  const auto au = test::annexB({sps, pps, idr});
  uint16_t seq = 0;
  const auto packets = test::packetizeH264(au, seq, 0, 1100);
  // STAP-A(SPS, PPS), then the IDR in three FU-A fragments of at most 1098 bytes of data.
  ASSERT_EQ(packets.size(), 4u);
  const auto& stap = packets[0].payload;
  EXPECT_EQ(nalType(stap[0]), kStapA);
  EXPECT_EQ(stap.size(), 1u + 2 + 12 + 2 + 4);
  EXPECT_EQ(stap[0] & 0x60, 0x60);
  EXPECT_EQ(loadU16(&stap[1]), 12);
  EXPECT_TRUE(std::equal(sps.begin(), sps.end(), stap.begin() + 3));
  EXPECT_EQ(loadU16(&stap[15]), 4);
  auto info = wire::payload::H264PayloadInfo::parse(stap);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->hasSps && info->hasPps);
  std::vector<uint8_t> rebuilt{idr[0]};
  for (size_t i = 1; i < 4; ++i) {
    const auto& p = packets[i].payload;
    EXPECT_LE(p.size(), 1100u);
    EXPECT_EQ(nalType(p[0]), kFuA);
    EXPECT_EQ(p[0] & 0xe0, idr[0] & 0xe0);
    EXPECT_EQ(nalType(p[1]), kNalIdr);
    EXPECT_EQ((p[1] & 0x80) != 0, i == 1);  // S
    EXPECT_EQ((p[1] & 0x40) != 0, i == 3);  // E
    EXPECT_EQ(packets[i].marker, i == 3);
    rebuilt.insert(rebuilt.end(), p.begin() + 2, p.end());
  }
  EXPECT_FALSE(packets[0].marker);
  EXPECT_EQ(rebuilt, idr);
  EXPECT_TRUE(wire::payload::H264PayloadInfo::parse(packets[1].payload)->hasIdr);
}

TEST(H264PacketizerTest, NalThatFitsExactlyIsSentAlone) {
  const auto slice = nal(1, 1100);
  uint16_t seq = 0;
  const auto packets = test::packetizeH264(test::annexB({slice}), seq, 0, 1100);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].payload, slice);
  EXPECT_TRUE(packets[0].marker);
}

TEST(H264PacketizerTest, NalOneByteOverIsFragmented) {
  const auto slice = nal(1, 1101);
  uint16_t seq = 0;
  const auto packets = test::packetizeH264(test::annexB({slice}), seq, 0, 1100);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].payload.size(), 1100u);
  EXPECT_EQ(packets[1].payload.size(), 2u + 1101 - 1 - 1098);
}

TEST(H264PacketizerTest, StapAStopsAtMtuAndNeverTakesALargeNal) {
  // Three 500-byte NAL units: two fit one STAP-A (1 + 2*502 = 1005), the third goes alone.
  const auto a = nal(6, 500, 1), b = nal(1, 500, 2), c = nal(1, 500, 3), big = nal(1, 3000, 4);
  uint16_t seq = 0;
  const auto packets = test::packetizeH264(test::annexB({a, b, c, big}), seq, 0, 1100);
  ASSERT_GE(packets.size(), 3u);
  EXPECT_EQ(nalType(packets[0].payload[0]), kStapA);
  EXPECT_EQ(packets[0].payload.size(), 1005u);
  EXPECT_EQ(packets[1].payload, c);
  EXPECT_EQ(nalType(packets[2].payload[0]), kFuA);
  for (const auto& p : packets) EXPECT_LE(p.payload.size(), 1100u);
}

TEST(H264PacketizerTest, AcceptsThreeByteStartCodes) {
  const std::vector<uint8_t> au = {0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xce, 0, 0, 0, 1, 0x65, 0x88, 0x84};
  uint16_t seq = 0;
  const auto packets = test::packetizeH264(au, seq, 0);
  ASSERT_EQ(packets.size(), 1u);
  const std::vector<uint8_t> stap = {0x78, 0, 2, 0x67, 0x42, 0, 2, 0x68, 0xce, 0, 3, 0x65, 0x88, 0x84};
  EXPECT_EQ(packets[0].payload, stap);
}

TEST(H264PacketizerTest, RejectsAccessUnitsRtpCannotCarry) {
  H264Packetizer p;
  EXPECT_FALSE(p.setFrame(std::vector<uint8_t>{1, 2, 3}).ok());  // no start code
  EXPECT_FALSE(p.setFrame(test::annexB({nal(kStapA, 10)})).ok());
  EXPECT_FALSE(p.setFrame(test::annexB({{0x00, 0x11}})).ok());
  EXPECT_FALSE(p.hasNext());
}

TEST(H264PacketizerTest, RefusesTooSmallBufferWithoutLosingData) {
  const auto slice = nal(1, 3000);
  const auto au = test::annexB({slice});  // borrowed by the packetizer until drained
  H264Packetizer p(1100);
  ASSERT_TRUE(p.setFrame(au).ok());
  std::array<uint8_t, 10> small{};
  EXPECT_EQ(p.next(small).error().code, Error::Code::kNoSpace);
  uint16_t seq = 0;
  const auto packets = test::drain(p, seq, 0);
  ASSERT_EQ(packets.size(), 3u);
  EXPECT_NE(packets[0].payload[1] & 0x80, 0);
}

TEST(H264PacketizerTest, SendsOutOfBandParameterSetsBeforeBareIdr) {
  const auto sps = nal(kNalSps, 12), pps = nal(kNalPps, 4), idr = nal(kNalIdr, 2000), slice = nal(1, 50);
  const auto config = test::annexB({sps, pps});
  // The packetizer borrows its input: the access units outlive it.
  const auto bareIdr = test::annexB({idr}), ownSps = test::annexB({sps, idr}), delta = test::annexB({slice});
  uint16_t seq = 0;
  H264Packetizer p(1100);
  ASSERT_TRUE(p.setFrame(bareIdr, config).ok());
  auto packets = test::drain(p, seq, 0);
  ASSERT_EQ(packets.size(), 3u);  // STAP-A(SPS, PPS), two FU-A
  EXPECT_EQ(packets[0].payload[0] & 0x1f, 24);
  EXPECT_EQ(packets[0].payload.size(), 1u + 2 + 12 + 2 + 4);
  // One kind missing: both are sent, so the PPS never precedes the SPS it refers to.
  ASSERT_TRUE(p.setFrame(ownSps, config).ok());
  packets = test::drain(p, seq, 0);
  ASSERT_EQ(packets[0].payload[0] & 0x1f, 24);
  EXPECT_EQ(packets[0].payload.size(), 1u + 2 + 12 + 2 + 4 + 2 + 12);
  EXPECT_EQ(packets[0].payload[3] & 0x1f, kNalSps);
  EXPECT_EQ(packets[0].payload[17] & 0x1f, kNalPps);
  EXPECT_EQ(packets[0].payload[23] & 0x1f, kNalSps);
  // A delta frame gets none.
  ASSERT_TRUE(p.setFrame(delta, config).ok());
  packets = test::drain(p, seq, 0);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].payload, slice);
}

}  // namespace
}  // namespace rtcgate::media
