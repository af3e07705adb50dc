#include "wire/rtmp/flv_tag.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtmp {
namespace {

using rtcgate::test::hexBytes;

template <typename Tag>
std::vector<uint8_t> bytesOf(const Tag& t) {
  std::vector<uint8_t> out(t.headerSize() + t.data.size());
  auto n = t.serializeTo(out);
  EXPECT_TRUE(n.ok());
  EXPECT_EQ(n.ok() ? *n : 0, out.size());
  return out;
}

template <typename Tag>
void expectRoundTrip(const std::vector<uint8_t>& bytes) {
  auto t = Tag::parse(bytes);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(bytesOf(*t), bytes);
}

TEST(VideoTag, LegacyAvcSequenceHeaderAndNalus) {
  // Annex E.4.3.1: key frame (1) + AVC (7), AVCPacketType 0, composition time 0.
  const auto seq = hexBytes("17 00 000000 0164001fffe1 0005 6764001fac 01 0004 68ee3c80");
  auto t = VideoTag::parse(seq);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->isKeyframe());
  EXPECT_FALSE(t->enhanced);
  EXPECT_EQ(t->fourCc, kFourCcAvc);
  EXPECT_EQ(t->kind, PacketKind::kSequenceHeader);
  EXPECT_EQ(t->data.size(), seq.size() - 5);
  expectRoundTrip<VideoTag>(seq);

  // Inter frame NALU with composition time +80 and -32 (signed 24-bit).
  auto n = VideoTag::parse(hexBytes("27 01 000050 00000002 0910"));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->frameType, VideoFrameType::kInter);
  EXPECT_EQ(n->kind, PacketKind::kCodedFrames);
  EXPECT_EQ(n->compositionTimeMs, 80);
  EXPECT_EQ(VideoTag::parse(hexBytes("17 01 ffffe0 00"))->compositionTimeMs, -32);
  expectRoundTrip<VideoTag>(hexBytes("17 01 ffffe0 00"));
  EXPECT_EQ(VideoTag::parse(hexBytes("17 02 000000"))->kind, PacketKind::kEndOfSequence);
  EXPECT_FALSE(VideoTag::parse(hexBytes("17 03 000000")).ok());
  rtcgate::test::expectEveryTruncationRejected(std::span(seq).first(5),
                                               [](auto s) { return VideoTag::parse(s); });
}

TEST(VideoTag, EnhancedFourCcTags) {
  // IsExHeader | FrameType 1 | CodedFrames, 'hvc1', composition time 33.
  auto h = VideoTag::parse(hexBytes("91 68766331 000021 00000001 26"));
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->enhanced);
  EXPECT_EQ(h->fourCc, kFourCcHevc);
  EXPECT_EQ(h->kind, PacketKind::kCodedFrames);
  EXPECT_EQ(h->compositionTimeMs, 33);
  EXPECT_EQ(h->data.size(), 5u);
  expectRoundTrip<VideoTag>(hexBytes("91 68766331 000021 00000001 26"));

  // FrameType 2 | CodedFramesX, 'av01': no composition time.
  auto a = VideoTag::parse(hexBytes("a3 61763031 1234"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->fourCc, kFourCcAv1);
  EXPECT_EQ(a->frameType, VideoFrameType::kInter);
  EXPECT_EQ(a->compositionTimeMs, 0);
  expectRoundTrip<VideoTag>(hexBytes("a3 61763031 1234"));
  // av01 CodedFrames carries no composition time either.
  EXPECT_EQ(VideoTag::parse(hexBytes("91 61763031 1234"))->data.size(), 2u);

  auto v = VideoTag::parse(hexBytes("90 76703039 0102"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->fourCc, kFourCcVp9);
  EXPECT_EQ(v->kind, PacketKind::kSequenceHeader);
  expectRoundTrip<VideoTag>(hexBytes("90 76703039 0102"));
  expectRoundTrip<VideoTag>(hexBytes("92 68766331"));
  EXPECT_EQ(VideoTag::parse(hexBytes("94 68766331 02"))->kind, PacketKind::kMetadata);
  expectRoundTrip<VideoTag>(hexBytes("94 68766331 02"));
  auto cmd = VideoTag::parse(hexBytes("d0 01"));
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(cmd->kind, PacketKind::kCommand);
  expectRoundTrip<VideoTag>(hexBytes("d0 01"));
  EXPECT_EQ(VideoTag::parse(hexBytes("96 00")).error().code, Error::Code::kUnsupported);  // multitrack
  rtcgate::test::expectEveryTruncationRejected(hexBytes("91 68766331 000021"),
                                               [](auto s) { return VideoTag::parse(s); });
}

TEST(VideoTag, BuildsEgressTags) {
  const auto nalus = hexBytes("00000002 6588");
  VideoTag t;
  t.frameType = VideoFrameType::kKey;
  t.kind = PacketKind::kCodedFrames;
  t.compositionTimeMs = 40;
  t.data = nalus;
  EXPECT_EQ(bytesOf(t), hexBytes("17 01 000028 00000002 6588"));
  // Enhanced HEVC with zero composition time uses CodedFramesX.
  t.enhanced = true;
  t.fourCc = kFourCcHevc;
  t.compositionTimeMs = 0;
  EXPECT_EQ(bytesOf(t), hexBytes("93 68766331 00000002 6588"));
  std::array<uint8_t, 4> small{};
  EXPECT_FALSE(t.serializeTo(small).ok());
}

TEST(VideoTag, OtherLegacyCodecsPassThrough) {
  auto t = VideoTag::parse(hexBytes("24 aabb"));  // inter frame, VP6 (4)
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, PacketKind::kOther);
  EXPECT_EQ(t->codecId, 4);
  expectRoundTrip<VideoTag>(hexBytes("24 aabb"));
}

TEST(AudioTag, LegacyAac) {
  // Annex E.4.2.1: AAC (10), 44 kHz (3), 16 bit (1), stereo (1) = 0xAF; AACPacketType 0.
  auto s = AudioTag::parse(hexBytes("af 00 1210"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->soundFormat, kSoundFormatAac);
  EXPECT_EQ(s->kind, PacketKind::kSequenceHeader);
  EXPECT_EQ(s->data.size(), 2u);
  EXPECT_EQ(s->fourCc, kFourCcAac);
  expectRoundTrip<AudioTag>(hexBytes("af 00 1210"));
  auto r = AudioTag::parse(hexBytes("af 01 211c"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, PacketKind::kCodedFrames);
  expectRoundTrip<AudioTag>(hexBytes("af 01 211c"));
  EXPECT_FALSE(AudioTag::parse(hexBytes("af 02 00")).ok());
  rtcgate::test::expectEveryTruncationRejected(hexBytes("af 00"), [](auto s) { return AudioTag::parse(s); });
}

TEST(AudioTag, EnhancedOpusAndOtherFormats) {
  auto o = AudioTag::parse(hexBytes("91 4f707573 fc"));
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->enhanced);
  EXPECT_EQ(o->fourCc, kFourCcOpus);
  EXPECT_EQ(o->kind, PacketKind::kCodedFrames);
  expectRoundTrip<AudioTag>(hexBytes("91 4f707573 fc"));
  EXPECT_EQ(AudioTag::parse(hexBytes("90 4f707573"))->kind, PacketKind::kSequenceHeader);
  EXPECT_EQ(AudioTag::parse(hexBytes("95 4f707573")).error().code, Error::Code::kUnsupported);
  rtcgate::test::expectEveryTruncationRejected(hexBytes("91 4f707573"),
                                               [](auto s) { return AudioTag::parse(s); });
  auto mp3 = AudioTag::parse(hexBytes("2f ff"));
  ASSERT_TRUE(mp3.ok());
  EXPECT_EQ(mp3->kind, PacketKind::kOther);
  expectRoundTrip<AudioTag>(hexBytes("2f ff"));
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
