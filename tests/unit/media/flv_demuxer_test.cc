#include "media/flv_demuxer.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "unit/media/flv_test_util.h"
#include "wire/rtmp/flv_tag.h"

namespace rtcgate::media {
namespace {

using namespace rtcgate::media::test;  // NOLINT(google-build-using-namespace)
using wire::rtmp::PacketKind;

const std::vector<uint8_t> kIdr = bytes("65888400ffee");
const std::vector<uint8_t> kSei = bytes("0605ffee80");
const std::vector<uint8_t> kP = bytes("419a2233");

std::vector<MediaFrame> pushVideo(FlvDemuxer& d, uint32_t ts, std::span<const uint8_t> body, bool expectOk = true) {
  std::vector<MediaFrame> out;
  auto s = d.pushVideo(ts, body, out);
  EXPECT_EQ(s.ok(), expectOk) << (s.ok() ? "ok" : s.error().message);
  return out;
}

std::vector<MediaFrame> pushAudio(FlvDemuxer& d, uint32_t ts, std::span<const uint8_t> body, bool expectOk = true) {
  std::vector<MediaFrame> out;
  auto s = d.pushAudio(ts, body, out);
  EXPECT_EQ(s.ok(), expectOk) << (s.ok() ? "ok" : s.error().message);
  return out;
}

TEST(FlvDemuxer, AvcSequenceHeaderThenFramesAsAnnexB) {
  FlvDemuxer d;
  EXPECT_FALSE(d.video());
  EXPECT_TRUE(pushVideo(d, 0, avcSequenceHeader(kSps1080, kPps1080)).empty());
  auto info = d.video();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->codec, MediaCodec::kH264);
  EXPECT_EQ(info->width, 1920);
  EXPECT_EQ(info->height, 1080);
  EXPECT_EQ(info->profileIdc, 100);
  EXPECT_EQ(info->constraintFlags, 0);
  EXPECT_DOUBLE_EQ(info->frameRate, 25);
  EXPECT_FALSE(info->reorders);

  auto frames = pushVideo(d, 40, avcFrame(true, 0, annexB({kSei, kIdr})));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].codec, MediaCodec::kH264);
  EXPECT_TRUE(frames[0].keyframe);
  EXPECT_EQ(frames[0].dtsUs, 40'000);
  EXPECT_EQ(frames[0].ptsUs, 40'000);
  EXPECT_EQ(frames[0].data, annexB({kSei, kIdr}));
  EXPECT_EQ(frames[0].config, annexB({kSps1080, kPps1080}));

  frames = pushVideo(d, 80, avcFrame(false, 0, annexB({kP})));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_FALSE(frames[0].keyframe);
  EXPECT_TRUE(frames[0].config.empty());
  EXPECT_EQ(frames[0].data, annexB({kP}));
  EXPECT_FALSE(d.video()->reorders);
}

TEST(FlvDemuxer, CompositionTimeSetsPtsAndReorders) {
  FlvDemuxer d;
  pushVideo(d, 0, avcSequenceHeader(kSps1080, kPps1080));
  auto frames = pushVideo(d, 1000, avcFrame(false, 80, annexB({kP})));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].dtsUs, 1'000'000);
  EXPECT_EQ(frames[0].ptsUs, 1'080'000);
  EXPECT_TRUE(d.video()->reorders);
  // Negative composition times are legal (signed 24 bits).
  frames = pushVideo(d, 1040, avcFrame(false, -40, annexB({kP})));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].ptsUs, 1'000'000);
  // A new sequence header from the same encoder keeps the flag.
  pushVideo(d, 2000, avcSequenceHeader(kSps360, kPps360));
  EXPECT_TRUE(d.video()->reorders);
}

TEST(FlvDemuxer, FramesBeforeTheSequenceHeaderAreDropped) {
  FlvDemuxer d;
  EXPECT_TRUE(pushVideo(d, 0, avcFrame(true, 0, annexB({kIdr}))).empty());
  EXPECT_TRUE(pushAudio(d, 0, bytes("af01 211c")).empty());
  EXPECT_FALSE(d.video());
  EXPECT_FALSE(d.audio());
}

TEST(FlvDemuxer, NewSequenceHeaderChangesConfigAndSize) {
  FlvDemuxer d;
  pushVideo(d, 0, avcSequenceHeader(kSps1080, kPps1080));
  pushVideo(d, 5000, avcSequenceHeader(kSps360, kPps360));
  EXPECT_EQ(d.video()->width, 640);
  EXPECT_EQ(d.video()->height, 360);
  EXPECT_EQ(d.video()->profileIdc, 66);
  EXPECT_EQ(d.video()->constraintFlags, 0xC0);
  auto frames = pushVideo(d, 5000, avcFrame(true, 0, annexB({kIdr})));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].config, annexB({kSps360, kPps360}));
}

TEST(FlvDemuxer, TwoByteNalLengths) {
  // AVCDecoderConfigurationRecord with lengthSizeMinusOne = 1.
  const auto record = bytes("01 640028 fd e1 0006 6764002800ff 01 0002 68eb");
  std::vector<uint8_t> seq = bytes("1700000000");
  seq.insert(seq.end(), record.begin(), record.end());
  FlvDemuxer d;
  pushVideo(d, 0, seq);
  ASSERT_TRUE(d.video());
  EXPECT_EQ(d.video()->width, 0);  // that SPS is cut short: no size, still usable
  auto frames = pushVideo(d, 0, bytes("1701000000 0002 6588 0003 06aabb"));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, bytes("00000001 6588 00000001 06aabb"));
  EXPECT_EQ(frames[0].config, bytes("00000001 6764002800ff 00000001 68eb"));
  // A length running past the tag is an error, not a read past it.
  pushVideo(d, 0, bytes("1701000000 0009 6588"), false);
}

TEST(FlvDemuxer, EnhancedAvc) {
  FlvDemuxer d;
  const auto record = avcSequenceHeader(kSps1080, kPps1080);
  const std::span<const uint8_t> recordBody = std::span(record).subspan(5);
  pushVideo(d, 0, enhancedVideo(wire::rtmp::kFourCcAvc, PacketKind::kSequenceHeader, true, recordBody));
  ASSERT_TRUE(d.video());
  EXPECT_EQ(d.video()->width, 1920);
  const auto avcc = bytes("00000004 65888400");
  auto frames = pushVideo(d, 100, enhancedVideo(wire::rtmp::kFourCcAvc, PacketKind::kCodedFrames, true, avcc, 40));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].ptsUs, 140'000);
  EXPECT_EQ(frames[0].data, bytes("00000001 65888400"));
  EXPECT_EQ(frames[0].config, annexB({kSps1080, kPps1080}));
  // CodedFramesX: composition time zero.
  frames = pushVideo(d, 140, enhancedVideo(wire::rtmp::kFourCcAvc, PacketKind::kCodedFrames, false, avcc, 0));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].ptsUs, frames[0].dtsUs);
}

TEST(FlvDemuxer, HevcIsRefusedWithAClearReason) {
  FlvDemuxer d;
  std::vector<MediaFrame> out;
  const auto hvcc = bytes("01 01600000 00");
  auto s = d.pushVideo(0, enhancedVideo(wire::rtmp::kFourCcHevc, PacketKind::kSequenceHeader, true, hvcc), out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::Code::kUnsupported);
  EXPECT_EQ(std::string_view(s.error().message), "HEVC is not supported yet");
  s = d.pushVideo(0, enhancedVideo(wire::rtmp::kFourCcHevc, PacketKind::kCodedFrames, true, hvcc, 0), out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(std::string_view(s.error().message), "HEVC is not supported yet");
  // The legacy CodecID 12 some encoders used for HEVC.
  s = d.pushVideo(0, bytes("1c 00 000000 01"), out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(std::string_view(s.error().message), "HEVC is not supported yet");
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(d.video());
}

TEST(FlvDemuxer, OtherCodecsAreUnsupported) {
  FlvDemuxer d;
  std::vector<MediaFrame> out;
  auto s = d.pushVideo(0, bytes("12 0102"), out);  // Sorenson H.263
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::Code::kUnsupported);
  s = d.pushAudio(0, bytes("2f fffb"), out);  // MP3
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::Code::kUnsupported);
  s = d.pushAudio(0, enhancedAudio(wire::rtmp::fourCc("fLaC"), PacketKind::kSequenceHeader, bytes("00")), out);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(out.empty());
}

TEST(FlvDemuxer, CommandAndEndOfSequenceCarryNoMedia) {
  FlvDemuxer d;
  pushVideo(d, 0, avcSequenceHeader(kSps1080, kPps1080));
  EXPECT_TRUE(pushVideo(d, 0, bytes("5700000000 00")).empty());  // legacy video info/command frame
  EXPECT_TRUE(pushVideo(d, 0, bytes("d0 00")).empty());          // enhanced command: seek start
  EXPECT_TRUE(pushVideo(d, 0, bytes("1702000000")).empty());    // AVC end of sequence
}

TEST(FlvDemuxer, Aac44StereoAnd48Mono) {
  FlvDemuxer d;
  std::vector<uint8_t> seq = bytes("af00");
  seq.insert(seq.end(), kAsc44Stereo.begin(), kAsc44Stereo.end());
  EXPECT_TRUE(pushAudio(d, 0, seq).empty());
  ASSERT_TRUE(d.audio());
  EXPECT_EQ(d.audio()->codec, MediaCodec::kAac);
  EXPECT_EQ(d.audio()->sampleRate, 44100u);
  EXPECT_EQ(d.audio()->channels, 2);
  auto frames = pushAudio(d, 23, bytes("af01 211c0d"));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].codec, MediaCodec::kAac);
  EXPECT_EQ(frames[0].data, bytes("211c0d"));
  EXPECT_EQ(frames[0].config, kAsc44Stereo);
  EXPECT_EQ(frames[0].dtsUs, 23'000);
  EXPECT_EQ(frames[0].ptsUs, 23'000);

  // Mono AAC is still flagged 44 kHz stereo in the legacy header (Annex E.4.2.1): the
  // config decides.
  seq = bytes("af00");
  seq.insert(seq.end(), kAsc48Mono.begin(), kAsc48Mono.end());
  pushAudio(d, 50, seq);
  EXPECT_EQ(d.audio()->sampleRate, 48000u);
  EXPECT_EQ(d.audio()->channels, 1);
  frames = pushAudio(d, 60, bytes("af01 0102"));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].config, kAsc48Mono);
  // Enhanced "mp4a" carries the same.
  frames = pushAudio(d, 80, enhancedAudio(wire::rtmp::kFourCcAac, PacketKind::kCodedFrames, bytes("0304")));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].data, bytes("0304"));
}

TEST(FlvDemuxer, EnhancedOpus) {
  FlvDemuxer d;
  const auto head = opusHead(2);
  pushAudio(d, 0, enhancedAudio(wire::rtmp::kFourCcOpus, PacketKind::kSequenceHeader, head));
  ASSERT_TRUE(d.audio());
  EXPECT_EQ(d.audio()->codec, MediaCodec::kOpus);
  EXPECT_EQ(d.audio()->sampleRate, 48000u);
  EXPECT_EQ(d.audio()->channels, 2);
  const auto packet = bytes("fc ff fe");
  auto frames = pushAudio(d, 20, enhancedAudio(wire::rtmp::kFourCcOpus, PacketKind::kCodedFrames, packet));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].codec, MediaCodec::kOpus);
  EXPECT_EQ(frames[0].data, packet);
  EXPECT_TRUE(frames[0].config.empty());
  EXPECT_EQ(frames[0].dtsUs, 20'000);
  // Not an OpusHead.
  auto bad = head;
  bad[0] = 'X';
  pushAudio(d, 0, enhancedAudio(wire::rtmp::kFourCcOpus, PacketKind::kSequenceHeader, bad), false);
}

TEST(FlvDemuxer, EnhancedVp9AndAv1) {
  struct Case {
    uint32_t fourCc;
    MediaCodec codec;
  };
  for (auto c : {Case{wire::rtmp::kFourCcVp9, MediaCodec::kVp9}, Case{wire::rtmp::kFourCcAv1, MediaCodec::kAv1}}) {
    FlvDemuxer d;
    const auto record = bytes("01 00 00 00 00 00 00 00");
    pushVideo(d, 0, enhancedVideo(c.fourCc, PacketKind::kSequenceHeader, true, record));
    ASSERT_TRUE(d.video());
    EXPECT_EQ(d.video()->codec, c.codec);
    const auto key = bytes("8249834200");
    auto frames = pushVideo(d, 33, enhancedVideo(c.fourCc, PacketKind::kCodedFrames, true, key));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].codec, c.codec);
    EXPECT_TRUE(frames[0].keyframe);
    EXPECT_EQ(frames[0].data, key);
    EXPECT_EQ(frames[0].dtsUs, 33'000);
    frames = pushVideo(d, 66, enhancedVideo(c.fourCc, PacketKind::kCodedFrames, false, bytes("86")));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_FALSE(frames[0].keyframe);
  }
}

TEST(FlvDemuxer, TimestampsUnwrapPast32Bits) {
  FlvDemuxer d;
  pushAudio(d, 0xFFFFFF00u, bytes("af00 1210"));
  auto frames = pushAudio(d, 0xFFFFFFF0u, bytes("af01 01"));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].dtsUs, int64_t{0xFFFFFFF0u} * 1000);
  frames = pushAudio(d, 0x10, bytes("af01 01"));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].dtsUs, (int64_t{1} << 32) * 1000 + 16'000);
  // Video slightly behind audio across the wrap lands on the same clock.
  pushVideo(d, 0xFFFFFFF8u, avcSequenceHeader(kSps1080, kPps1080));
  frames = pushVideo(d, 0xFFFFFFFCu, avcFrame(true, 0, annexB({kIdr})));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].dtsUs, int64_t{0xFFFFFFFCu} * 1000);
}

// Every strict prefix of a tag is an error or yields nothing; each is copied into its own
// buffer so ASan sees any read past its end.
template <typename Push>
void expectPrefixesSafe(std::span<const uint8_t> body, Push push) {
  for (size_t len = 0; len < body.size(); ++len) {
    std::vector<uint8_t> prefix(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(len));
    std::vector<MediaFrame> out;
    auto s = push(std::span<const uint8_t>(prefix), out);
    EXPECT_TRUE(!s.ok() || out.empty()) << "prefix of " << len << " bytes gave a frame";
  }
}

TEST(FlvDemuxer, TruncationAtEveryLength) {
  const auto avcSeq = avcSequenceHeader(kSps1080, kPps1080);
  const auto avcKey = avcFrame(true, 40, annexB({kIdr}));
  const auto record = std::span(avcSeq).subspan(5);
  const auto exSeq = enhancedVideo(wire::rtmp::kFourCcAvc, PacketKind::kSequenceHeader, true, record);
  const auto exFrame =
      enhancedVideo(wire::rtmp::kFourCcAvc, PacketKind::kCodedFrames, true, bytes("00000004 65888400"), 40);
  const auto aacSeq = bytes("af00 1210");
  const auto opusSeq = enhancedAudio(wire::rtmp::kFourCcOpus, PacketKind::kSequenceHeader, opusHead(2));

  auto fresh = [](auto body, auto& out) {
    FlvDemuxer d;
    return d.pushVideo(0, body, out);
  };
  auto afterHeader = [&](auto body, auto& out) {
    FlvDemuxer d;
    std::vector<MediaFrame> ignored;
    EXPECT_TRUE(d.pushVideo(0, avcSeq, ignored).ok());
    return d.pushVideo(0, body, out);
  };
  auto audio = [](auto body, auto& out) {
    FlvDemuxer d;
    auto s = d.pushAudio(0, body, out);
    // A header prefix must not leave a half-parsed track behind.
    if (!s.ok()) {
      EXPECT_FALSE(d.audio());
    }
    return s;
  };
  expectPrefixesSafe(avcSeq, fresh);
  expectPrefixesSafe(exSeq, fresh);
  expectPrefixesSafe(avcKey, afterHeader);
  expectPrefixesSafe(exFrame, afterHeader);
  expectPrefixesSafe(aacSeq, audio);
  expectPrefixesSafe(opusSeq, audio);
  // Sequence header prefixes are all refused outright.
  for (const auto* body : {&avcSeq, &exSeq}) {
    for (size_t len = 0; len < body->size(); ++len) {
      FlvDemuxer d;
      std::vector<MediaFrame> out;
      EXPECT_FALSE(d.pushVideo(0, std::span(*body).first(len), out).ok()) << len;
      EXPECT_FALSE(d.video()) << len;
    }
  }
  // AAC frames: anything shorter than the two header bytes.
  FlvDemuxer d;
  std::vector<MediaFrame> out;
  ASSERT_TRUE(d.pushAudio(0, aacSeq, out).ok());
  EXPECT_FALSE(d.pushAudio(0, bytes("af"), out).ok());
  EXPECT_FALSE(d.pushAudio(0, {}, out).ok());
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace rtcgate::media
