#include "media/h264_depacketizer.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "media/annex_b.h"
#include "packetizer_test_util.h"

namespace rtcgate::media {
namespace {

using test::nal;
using test::TestPacket;

constexpr uint32_t kFrameTicks = 3000;

const std::vector<uint8_t> kSps = nal(kNalSps, 14, 9);
const std::vector<uint8_t> kPps = nal(kNalPps, 5, 8);

struct Stream {
  std::vector<std::vector<uint8_t>> frames;
  std::vector<TestPacket> packets;
  std::vector<size_t> firstPacket;
};

Stream packetize(std::vector<std::vector<uint8_t>> aus, uint16_t seq = 500, uint32_t ts = 90'000) {
  Stream s;
  s.frames = std::move(aus);
  for (size_t i = 0; i < s.frames.size(); ++i) {
    s.firstPacket.push_back(s.packets.size());
    auto p = test::packetizeH264(s.frames[i], seq, ts + static_cast<uint32_t>(i) * kFrameTicks);
    s.packets.insert(s.packets.end(), p.begin(), p.end());
  }
  return s;
}

// IDR access unit with SPS/PPS, then two P access units, each larger than the MTU.
Stream gop(uint16_t seq = 500, uint32_t ts = 90'000) {
  return packetize(
      {test::annexB({kSps, kPps, nal(kNalIdr, 6000, 1)}),
       test::annexB({nal(6, 30, 2), nal(1, 1500, 3), nal(1, 900, 4)}), test::annexB({nal(1, 2400, 5)})},
      seq, ts);
}

// A sender that never sets the marker and never moves its timestamp used to grow one frame
// without limit.
TEST(H264DepacketizerTest, AFrameThatNeverEndsIsDroppedAtTheSizeLimit) {
  H264Depacketizer d;
  std::vector<MediaFrame> out;
  const std::vector<uint8_t> slice = nal(1, 1100, 7);
  const uint16_t packets = static_cast<uint16_t>(kMaxFrameBytes / slice.size() + 10);
  for (uint16_t i = 0; i < packets; ++i) d.push(i, 90'000, false, slice, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(d.stats().framesTooLarge, 1u);
  // The stream goes on at its next frame.
  d.push(packets, 93'000, true, slice, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].afterLoss);
}

TEST(H264DepacketizerTest, RoundTripsAccessUnitsByteExact) {
  const Stream s = gop();
  H264Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(frames[i].codec, MediaCodec::kH264);
    EXPECT_EQ(frames[i].data, s.frames[i]) << i;
    EXPECT_EQ(frames[i].keyframe, i == 0);
    EXPECT_FALSE(frames[i].afterLoss);
  }
  EXPECT_EQ(frames[0].config, test::annexB({kSps, kPps}));
  EXPECT_TRUE(frames[1].config.empty());
  EXPECT_EQ(frames[2].ptsUs, 66'667);
}

TEST(H264DepacketizerTest, ThreeByteStartCodesComeOutAsFourByte) {
  const std::vector<uint8_t> au = {0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xce, 0, 0, 1, 0x65, 0x88, 0x84};
  uint16_t seq = 0;
  H264Depacketizer d;
  const auto frames = test::feed(d, test::packetizeH264(au, seq, 0));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, normalizeAnnexB(au));
}

TEST(H264DepacketizerTest, LossInFuADropsAccessUnitUntilNextBoundary) {
  Stream s = gop();
  s.packets.erase(s.packets.begin() + 3);  // a middle FU-A fragment of the IDR
  H264Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  // The gap is inside the IDR's timestamp: the marker that ends it bounds the next AU.
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].data, s.frames[1]);
  EXPECT_TRUE(frames[0].afterLoss);
  EXPECT_FALSE(frames[0].keyframe);  // the caller decides whether to wait for an IDR
  EXPECT_EQ(frames[1].data, s.frames[2]);
  EXPECT_FALSE(frames[1].afterLoss);
  EXPECT_EQ(d.stats().framesDropped, 1u);
}

TEST(H264DepacketizerTest, LossOfFirstPacketOfAccessUnitWaitsForMarker) {
  Stream s = gop();
  s.packets.erase(s.packets.begin() + static_cast<ptrdiff_t>(s.firstPacket[1]));
  H264Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  // Without a start flag in the format, the rest of AU 1 cannot be told from a whole AU.
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].data, s.frames[0]);
  EXPECT_EQ(frames[1].data, s.frames[2]);
  EXPECT_TRUE(frames[1].afterLoss);
}

TEST(H264DepacketizerTest, ReorderWithinAccessUnitDropsIt) {
  Stream s = gop();
  std::swap(s.packets[2], s.packets[3]);
  H264Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].data, s.frames[1]);
  EXPECT_EQ(d.stats().packetsLate, 1u);
}

TEST(H264DepacketizerTest, InsertsSpropParameterSetsBeforeBareIdr) {
  const auto idr = nal(kNalIdr, 3000, 3);
  const Stream s = packetize({test::annexB({idr}), test::annexB({nal(1, 200, 4)})});
  H264Depacketizer d;
  ASSERT_TRUE(d.setSpropParameterSets(toBase64(kSps) + "," + toBase64(kPps)).ok());
  EXPECT_TRUE(d.hasParameterSets());
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_EQ(frames[0].data, test::annexB({kSps, kPps, idr}));
  EXPECT_EQ(frames[0].config, test::annexB({kSps, kPps}));
  EXPECT_EQ(frames[1].data, s.frames[1]);
}

TEST(H264DepacketizerTest, InsertsParameterSetsAfterAccessUnitDelimiter) {
  const std::vector<uint8_t> aud = {0x09, 0xf0};
  const auto idr = nal(kNalIdr, 100, 3);
  const Stream s = packetize({test::annexB({aud, idr})});
  H264Depacketizer d;
  ASSERT_TRUE(d.setSpropParameterSets(toBase64(kSps) + "," + toBase64(kPps)).ok());
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, test::annexB({aud, kSps, kPps, idr}));
}

TEST(H264DepacketizerTest, InBandParameterSetsServeLaterIdrs) {
  const auto idr2 = nal(kNalIdr, 50, 7);
  const Stream s = packetize({test::annexB({kSps, kPps, nal(kNalIdr, 50, 6)}), test::annexB({idr2})});
  H264Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].data, test::annexB({kSps, kPps, idr2}));
}

TEST(H264DepacketizerTest, IdrWithoutAnyParameterSetsIsLeftAlone) {
  const auto idr = nal(kNalIdr, 50, 6);
  const Stream s = packetize({test::annexB({idr})});
  H264Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, s.frames[0]);
  EXPECT_TRUE(frames[0].config.empty());
}

TEST(H264DepacketizerTest, RejectsBadSprop) {
  H264Depacketizer d;
  EXPECT_FALSE(d.setSpropParameterSets("Z0LAH9!").ok());
  EXPECT_FALSE(d.setSpropParameterSets(toBase64(nal(1, 5))).ok());
  EXPECT_FALSE(d.hasParameterSets());
  // Browsers' own value (Chrome, 42e01f).
  EXPECT_TRUE(d.setSpropParameterSets("Z0LAH9kAUAW7ARAAAAMAEAAAAwPI8YMkgA==,aMuMsg==").ok());
  EXPECT_TRUE(d.hasParameterSets());
}

TEST(H264DepacketizerTest, SequenceAndTimestampWrap) {
  const Stream s = gop(0xfffd, 0xffffffffu - 1000);
  H264Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[2].data, s.frames[2]);
  EXPECT_EQ(frames[0].ptsUs, 0);
  EXPECT_EQ(frames[1].ptsUs, 33'333);
}

TEST(H264DepacketizerTest, MalformedPayloadsDropTheirAccessUnit) {
  H264Depacketizer d;
  std::vector<MediaFrame> out;
  d.push(1, 0, true, std::vector<uint8_t>{0x78, 0x00, 0x09, 0x67}, out);  // STAP-A size past the end
  d.push(2, 3000, true, std::vector<uint8_t>{0x7c, 0x45, 0xaa}, out);     // FU-A middle without a start
  d.push(3, 6000, true, std::vector<uint8_t>{0x79, 0x00}, out);           // STAP-B (interleaved mode)
  d.push(4, 9000, true, std::vector<uint8_t>{0x7c, 0x85, 0xaa}, out);     // FU-A start, marker before end
  d.push(5, 12000, true, std::vector<uint8_t>{0x41, 0x9a}, out);          // a good single NAL
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, test::annexB({{0x41, 0x9a}}));
  EXPECT_TRUE(out[0].afterLoss);
  EXPECT_EQ(d.stats().malformed, 3u);
  EXPECT_EQ(d.stats().packetsDiscarded, 1u);
}

TEST(H264DepacketizerTest, RejectsNalTypesRtpReserves) {
  H264Depacketizer d;
  std::vector<MediaFrame> out;
  d.push(1, 0, true, std::vector<uint8_t>{0x78, 0x00, 0x02, 0x7c, 0x01}, out);  // STAP-A holding type 28
  d.push(2, 3000, true, std::vector<uint8_t>{0x7c, 0xd8, 0xaa}, out);           // FU-A of a type-24 unit
  d.push(3, 6000, true, std::vector<uint8_t>{0x7c, 0xc0, 0xaa}, out);           // FU-A of a type-0 unit
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(d.stats().malformed, 3u);
}

TEST(H264DepacketizerTest, IdrWithOnlyItsSpsGetsBothSetsAheadOfIt) {
  const auto newSps = test::nal(kNalSps, 16, 40), pps = test::nal(kNalPps, 5, 8),
             idr = test::nal(kNalIdr, 80, 3);
  const auto au = test::annexB({newSps, idr});
  uint16_t seq = 0;
  H264Depacketizer d;
  ASSERT_TRUE(d.setSpropParameterSets(toBase64(test::nal(kNalSps, 14, 9)) + "," + toBase64(pps)).ok());
  const auto frames = test::feed(d, test::packetizeH264(au, seq, 0));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, test::annexB({newSps, pps, newSps, idr}));
  EXPECT_EQ(frames[0].config, test::annexB({newSps, pps}));
}

}  // namespace
}  // namespace rtcgate::media
