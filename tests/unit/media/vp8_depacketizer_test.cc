#include "media/vp8_depacketizer.h"

#include <gtest/gtest.h>

#include "packetizer_test_util.h"
#include "wire/rtp/rtp_packet_builder.h"

namespace rtcgate::media {
namespace {

using test::TestPacket;

constexpr uint32_t kTs0 = 1000;
constexpr uint32_t kFrameTicks = 3000;  // 30 fps at 90 kHz

// Three frames: a 4000-byte keyframe, then two delta frames of 2500 and 300 bytes.
struct Stream {
  std::vector<std::vector<uint8_t>> frames;
  std::vector<TestPacket> packets;
  std::vector<size_t> firstPacket;  // index into packets of each frame's first packet
};

Stream threeFrames(uint16_t seq = 100, uint32_t ts = kTs0) {
  Stream s;
  s.frames = {test::vp8Frame(4000, true, 1), test::vp8Frame(2500, false, 2), test::vp8Frame(300, false, 3)};
  for (size_t i = 0; i < s.frames.size(); ++i) {
    s.firstPacket.push_back(s.packets.size());
    auto p = test::packetizeVp8(s.frames[i], seq, ts + static_cast<uint32_t>(i) * kFrameTicks);
    s.packets.insert(s.packets.end(), p.begin(), p.end());
  }
  return s;
}

TEST(Vp8DepacketizerTest, RoundTripsFramesLargerThanMtu) {
  const Stream s = threeFrames();
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(frames[i].codec, MediaCodec::kVp8);
    EXPECT_EQ(frames[i].data, s.frames[i]);
    EXPECT_EQ(frames[i].keyframe, i == 0);
    EXPECT_FALSE(frames[i].afterLoss);
    EXPECT_EQ(frames[i].ptsUs, static_cast<int64_t>(i) * 33'333 + (i == 2 ? 1 : 0));
    EXPECT_EQ(frames[i].dtsUs, frames[i].ptsUs);
  }
  EXPECT_EQ(d.stats().framesOut, 3u);
  EXPECT_EQ(d.stats().framesDropped, 0u);
}

TEST(Vp8DepacketizerTest, LossInsideFrameDropsItAndResumesAtNextStart) {
  Stream s = threeFrames();
  s.packets.erase(s.packets.begin() + 1);  // second packet of the keyframe
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].data, s.frames[1]);
  EXPECT_TRUE(frames[0].afterLoss);
  EXPECT_EQ(frames[1].data, s.frames[2]);
  EXPECT_FALSE(frames[1].afterLoss);
  EXPECT_EQ(d.stats().framesDropped, 1u);
  EXPECT_EQ(d.stats().packetsDiscarded, 2u);  // the keyframe's last two packets
}

TEST(Vp8DepacketizerTest, LossOfFirstPacketWaitsForNextFrameStart) {
  Stream s = threeFrames();
  s.packets.erase(s.packets.begin() + static_cast<ptrdiff_t>(s.firstPacket[1]));
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].data, s.frames[0]);
  EXPECT_EQ(frames[1].data, s.frames[2]);
  EXPECT_TRUE(frames[1].afterLoss);
}

TEST(Vp8DepacketizerTest, LossOfMarkerPacketDropsFrame) {
  Stream s = threeFrames();
  s.packets.erase(s.packets.begin() + static_cast<ptrdiff_t>(s.firstPacket[2] - 1));
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].data, s.frames[2]);
  EXPECT_TRUE(frames[1].afterLoss);
}

// In-order only: a packet swapped within a frame reads as a loss, then a late packet.
TEST(Vp8DepacketizerTest, ReorderWithinFrameDropsFrame) {
  Stream s = threeFrames();
  std::swap(s.packets[1], s.packets[2]);
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].data, s.frames[1]);
  EXPECT_EQ(d.stats().packetsLate, 1u);
}

TEST(Vp8DepacketizerTest, DuplicatesAreIgnored) {
  Stream s = threeFrames();
  s.packets.insert(s.packets.begin() + 2, s.packets[1]);
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].data, s.frames[0]);
  EXPECT_EQ(d.stats().packetsLate, 1u);
}

TEST(Vp8DepacketizerTest, FrameWithoutMarkerEndsAtNextTimestamp) {
  Stream s = threeFrames();
  s.packets[s.firstPacket[1] - 1].marker = false;
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].data, s.frames[0]);
  EXPECT_FALSE(frames[1].afterLoss);
}

TEST(Vp8DepacketizerTest, SequenceAndTimestampWrap) {
  const Stream s = threeFrames(0xfffe, 0xffffffffu - kFrameTicks);
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[2].data, s.frames[2]);
  EXPECT_EQ(frames[1].ptsUs, 33'333);
  EXPECT_EQ(frames[2].ptsUs, 66'667);
}

TEST(Vp8DepacketizerTest, MalformedPayloadDropsFrame) {
  Stream s = threeFrames();
  s.packets[1].payload.resize(1);  // X set, extension octet missing
  Vp8Depacketizer d;
  const auto frames = test::feed(d, s.packets);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(d.stats().malformed, 1u);
  EXPECT_TRUE(frames[0].afterLoss);
}

// The same path a receiver takes: payloads inside serialized RTP packets, parsed as views.
TEST(Vp8DepacketizerTest, TakesParsedRtpPackets) {
  const auto frame = test::vp8Frame(2500, true, 4);
  Vp8Packetizer p;
  p.setFrame(frame, 77);
  Vp8Depacketizer d;
  std::vector<MediaFrame> frames;
  uint16_t seq = 65535;
  while (p.hasNext()) {
    std::array<uint8_t, 1200> payload{};
    auto r = p.next(payload);
    ASSERT_TRUE(r.ok());
    wire::rtp::RtpPacketBuilder b;
    b.setSequenceNumber(seq++).setTimestamp(123456).setSsrc(42).setPayloadType(96).setMarker(r->marker);
    b.setPayload(std::span<const uint8_t>(payload.data(), r->size));
    std::array<uint8_t, 1500> packet{};
    auto n = b.serializeTo(packet);
    ASSERT_TRUE(n.ok());
    auto view = wire::rtp::RtpPacketView::parse(std::span<const uint8_t>(packet.data(), *n));
    ASSERT_TRUE(view.ok());
    d.push(*view, frames);
  }
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, frame);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_EQ(frames[0].ptsUs, 0);
}

}  // namespace
}  // namespace rtcgate::media
