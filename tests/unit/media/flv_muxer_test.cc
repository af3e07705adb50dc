#include "media/flv_muxer.h"

#include <gtest/gtest.h>

#include <vector>

#include "media/flv_demuxer.h"
#include "unit/media/flv_test_util.h"
#include "wire/rtmp/flv_tag.h"

namespace rtcgate::media {
namespace {

using namespace rtcgate::media::test;  // NOLINT(google-build-using-namespace)
using wire::rtmp::PacketKind;

const std::vector<uint8_t> kIdr = bytes("65888400ffee");
const std::vector<uint8_t> kP = bytes("419a2233");
const std::vector<uint8_t> kAud = bytes("09f0");

MediaFrame h264(int64_t dtsUs, int64_t ptsUs, bool key, std::vector<uint8_t> data, std::vector<uint8_t> config = {}) {
  MediaFrame f;
  f.codec = MediaCodec::kH264;
  f.dtsUs = dtsUs;
  f.ptsUs = ptsUs;
  f.keyframe = key;
  f.data = std::move(data);
  f.config = std::move(config);
  return f;
}

MediaFrame aac(int64_t us, std::vector<uint8_t> data, std::vector<uint8_t> config) {
  MediaFrame f;
  f.codec = MediaCodec::kAac;
  f.dtsUs = f.ptsUs = us;
  f.keyframe = true;
  f.data = std::move(data);
  f.config = std::move(config);
  return f;
}

std::vector<FlvTag> push(FlvMuxer& m, const MediaFrame& f, bool expectOk = true) {
  std::vector<FlvTag> out;
  auto s = m.push(f, out);
  EXPECT_EQ(s.ok(), expectOk) << (s.ok() ? "ok" : s.error().message);
  return out;
}

bool isSequenceHeader(const FlvTag& t) {
  if (t.video) {
    auto v = wire::rtmp::VideoTag::parse(t.body);
    return v.ok() && v->kind == PacketKind::kSequenceHeader;
  }
  auto a = wire::rtmp::AudioTag::parse(t.body);
  return a.ok() && a->kind == PacketKind::kSequenceHeader;
}

TEST(FlvMuxer, WaitsForAKeyframeThenSendsTheSequenceHeaderFirst) {
  FlvMuxer m;
  EXPECT_TRUE(m.waitingForKeyframe());
  EXPECT_TRUE(push(m, h264(0, 0, false, annexB({kP}))).empty());
  EXPECT_TRUE(push(m, h264(33'000, 33'000, false, annexB({kP}))).empty());
  EXPECT_EQ(m.framesDropped(), 2u);
  EXPECT_TRUE(m.waitingForKeyframe());

  auto tags = push(m, h264(66'000, 66'000, true, annexB({kIdr}), annexB({kSps1080, kPps1080})));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_FALSE(m.waitingForKeyframe());
  EXPECT_TRUE(tags[0].video);
  EXPECT_TRUE(tags[0].keyframe);
  EXPECT_EQ(tags[0].timestampMs, 0u);  // the first frame out sets the time base
  EXPECT_EQ(tags[0].body, avcSequenceHeader(kSps1080, kPps1080));
  EXPECT_EQ(tags[1].body, avcFrame(true, 0, annexB({kIdr})));
  EXPECT_EQ(tags[1].timestampMs, 0u);
  ASSERT_TRUE(m.video());
  EXPECT_EQ(m.video()->width, 1920);
  EXPECT_EQ(m.video()->height, 1080);

  // A B-frame: composition time (pts - dts) in milliseconds.
  tags = push(m, h264(106'000, 186'000, false, annexB({kP})));
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].timestampMs, 40u);
  EXPECT_FALSE(tags[0].keyframe);
  EXPECT_EQ(tags[0].body, avcFrame(false, 80, annexB({kP})));
  EXPECT_TRUE(m.video()->reorders);
}

TEST(FlvMuxer, InBandParameterSetsAndChanges) {
  FlvMuxer m;
  auto tags = push(m, h264(0, 0, true, annexB({kAud, kSps1080, kPps1080, kIdr})));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].body, avcSequenceHeader(kSps1080, kPps1080));
  // In-band NAL units stay in the frame: players accept them.
  EXPECT_EQ(tags[1].body, avcFrame(true, 0, annexB({kAud, kSps1080, kPps1080, kIdr})));
  // The same parameter sets again (in-band or as config): no new sequence header.
  EXPECT_EQ(push(m, h264(1'000'000, 1'000'000, true, annexB({kSps1080, kPps1080, kIdr}))).size(), 1u);
  EXPECT_EQ(push(m, h264(2'000'000, 2'000'000, true, annexB({kIdr}), annexB({kSps1080, kPps1080}))).size(), 1u);
  // A keyframe without any: the known ones still hold.
  EXPECT_EQ(push(m, h264(3'000'000, 3'000'000, true, annexB({kIdr}))).size(), 1u);
  // New ones: a new sequence header before the frame.
  tags = push(m, h264(4'000'000, 4'000'000, true, annexB({kIdr}), annexB({kSps360, kPps360})));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].body, avcSequenceHeader(kSps360, kPps360));
  EXPECT_EQ(tags[0].timestampMs, 4000u);
  EXPECT_EQ(m.video()->width, 640);
  EXPECT_EQ(m.video()->height, 360);
}

TEST(FlvMuxer, KeyframeWithoutParameterSetsIsRefused) {
  FlvMuxer m;
  std::vector<FlvTag> out;
  auto s = m.push(h264(0, 0, true, annexB({kIdr})), out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::Code::kState);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(m.waitingForKeyframe());
  EXPECT_EQ(m.framesDropped(), 1u);
}

TEST(FlvMuxer, AacSequenceHeaderOnceAndOnChange) {
  FlvMuxer m;
  auto tags = push(m, aac(500'000, bytes("211c"), kAsc44Stereo));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_FALSE(tags[0].video);
  EXPECT_EQ(tags[0].body, bytes("af00 1210"));
  EXPECT_EQ(tags[1].body, bytes("af01 211c"));
  EXPECT_EQ(tags[1].timestampMs, 0u);
  ASSERT_TRUE(m.audio());
  EXPECT_EQ(m.audio()->sampleRate, 44100u);
  EXPECT_EQ(m.audio()->channels, 2);
  // Same config, and none: just the frame.
  tags = push(m, aac(523'000, bytes("0102"), kAsc44Stereo));
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].timestampMs, 23u);
  EXPECT_EQ(push(m, aac(546'000, bytes("0102"), {})).size(), 1u);
  // 48 kHz mono: a new sequence header.
  tags = push(m, aac(569'000, bytes("0304"), kAsc48Mono));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].body, bytes("af00 1188"));
  EXPECT_EQ(m.audio()->sampleRate, 48000u);
  EXPECT_EQ(m.audio()->channels, 1);
}

TEST(FlvMuxer, AacConfigIsSentAsReceived) {
  // HE-AAC with explicit SBR signalling (sync extension 0x2b7) after the leading fields.
  const auto asc = bytes("1210 56e5 00");
  FlvMuxer m;
  auto tags = push(m, aac(0, bytes("01"), asc));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].body, bytes("af00 1210 56e5 00"));
}

TEST(FlvMuxer, AacWithoutConfigAndOtherCodecsAreErrors) {
  FlvMuxer m;
  std::vector<FlvTag> out;
  auto s = m.push(aac(0, bytes("01"), {}), out);
  EXPECT_FALSE(s.ok());
  s = m.push(aac(0, bytes("01"), bytes("00")), out);  // object type 0
  EXPECT_FALSE(s.ok());
  MediaFrame opus;
  opus.codec = MediaCodec::kOpus;
  opus.data = bytes("fc");
  s = m.push(opus, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::Code::kUnsupported);
  EXPECT_TRUE(out.empty());
}

TEST(FlvMuxer, OneTimeBaseForBothTracksNeverNegative) {
  FlvMuxer m;
  // Audio first: it sets the base.
  auto tags = push(m, aac(10'000'000, bytes("01"), kAsc44Stereo));
  EXPECT_EQ(tags.back().timestampMs, 0u);
  tags = push(m, h264(10'040'000, 10'040'000, true, annexB({kIdr}), annexB({kSps1080, kPps1080})));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].timestampMs, 40u);
  EXPECT_EQ(tags[1].timestampMs, 40u);
  // A frame stamped before the base is clamped to 0, not wrapped.
  tags = push(m, aac(9'990'000, bytes("01"), {}));
  EXPECT_EQ(tags.back().timestampMs, 0u);
  // Sub-millisecond times floor.
  tags = push(m, aac(10'100'999, bytes("01"), {}));
  EXPECT_EQ(tags.back().timestampMs, 100u);
}

TEST(FlvMuxer, ANewSourceClockContinuesTheOutputTime) {
  FlvMuxer m;
  const auto config = annexB({kSps1080, kPps1080});
  push(m, h264(50'000'000, 50'000'000, true, annexB({kIdr}), config));
  auto tags = push(m, h264(52'000'000, 52'000'000, false, annexB({kP})));
  EXPECT_EQ(tags.back().timestampMs, 2000u);
  // The encoder reconnected and starts again at 0: output goes on, 20 ms later.
  tags = push(m, h264(0, 0, true, annexB({kIdr}), config));
  EXPECT_EQ(tags.back().timestampMs, 2020u);
  tags = push(m, aac(33'000, bytes("01"), kAsc44Stereo));
  EXPECT_EQ(tags.back().timestampMs, 2053u);
  // A jump far ahead (a source whose clock is hours off) is treated the same way.
  tags = push(m, h264(7'200'000'000, 7'200'000'000, true, annexB({kIdr}), config));
  EXPECT_EQ(tags.back().timestampMs, 2073u);
  // Ordinary gaps are kept as they are.
  tags = push(m, h264(7'205'000'000, 7'205'000'000, false, annexB({kP})));
  EXPECT_EQ(tags.back().timestampMs, 7073u);
}

TEST(FlvMuxer, VideoDecodeTimesStrictlyIncrease) {
  FlvMuxer m;
  push(m, h264(1'000'000, 1'000'000, true, annexB({kIdr}), annexB({kSps1080, kPps1080})));
  auto tags = push(m, h264(1'000'400, 1'000'400, false, annexB({kP})));  // same millisecond
  EXPECT_EQ(tags.back().timestampMs, 1u);
  tags = push(m, h264(999'000, 999'000, false, annexB({kP})));  // slightly out of order
  EXPECT_EQ(tags.back().timestampMs, 2u);
  tags = push(m, h264(1'033'000, 1'033'000, false, annexB({kP})));
  EXPECT_EQ(tags.back().timestampMs, 33u);
  // Audio is not held to it.
  tags = push(m, aac(1'010'000, bytes("01"), kAsc44Stereo));
  EXPECT_EQ(tags.back().timestampMs, 10u);
}

TEST(FlvMuxer, RestartSendsHeadersAgainAndKeepsTheTimeBase) {
  FlvMuxer m;
  push(m, aac(0, bytes("01"), kAsc44Stereo));
  push(m, h264(0, 0, true, annexB({kIdr}), annexB({kSps1080, kPps1080})));
  push(m, h264(40'000, 40'000, false, annexB({kP})));
  m.restart();
  EXPECT_TRUE(m.waitingForKeyframe());
  EXPECT_TRUE(push(m, h264(80'000, 80'000, false, annexB({kP}))).empty());
  EXPECT_EQ(m.framesDropped(), 1u);
  auto tags = push(m, aac(90'000, bytes("02"), {}));
  ASSERT_EQ(tags.size(), 2u);  // the known config goes out again
  EXPECT_TRUE(isSequenceHeader(tags[0]));
  EXPECT_EQ(tags[0].timestampMs, 90u);
  // The keyframe needs no config: the known parameter sets are sent again.
  tags = push(m, h264(120'000, 120'000, true, annexB({kIdr})));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].body, avcSequenceHeader(kSps1080, kPps1080));
  EXPECT_EQ(tags[1].timestampMs, 120u);
  EXPECT_FALSE(m.waitingForKeyframe());
}

TEST(FlvMuxer, RoundTripThroughTheDemuxer) {
  std::vector<MediaFrame> in = {
      aac(0, bytes("211c01"), kAsc44Stereo),
      h264(0, 80'000, true, annexB({kIdr}), annexB({kSps1080, kPps1080})),
      aac(23'000, bytes("211c02"), kAsc44Stereo),
      h264(40'000, 200'000, false, annexB({kP})),
      h264(80'000, 120'000, false, annexB({kP, kP})),
      aac(46'000, bytes("211c03"), kAsc48Mono),
      h264(120'000, 160'000, false, annexB({kP})),
      h264(160'000, 240'000, true, annexB({kIdr}), annexB({kSps360, kPps360})),
      h264(200'000, 280'000, true, annexB({kIdr}), annexB({kSps360, kPps360})),
  };
  FlvMuxer m;
  std::vector<FlvTag> tags;
  for (const auto& f : in) ASSERT_TRUE(m.push(f, tags).ok());
  size_t videoHeaders = 0;
  size_t audioHeaders = 0;
  for (const auto& t : tags) {
    if (isSequenceHeader(t)) ++(t.video ? videoHeaders : audioHeaders);
  }
  EXPECT_EQ(videoHeaders, 2u);  // first keyframe, then the SPS change, not the repeat
  EXPECT_EQ(audioHeaders, 2u);

  FlvDemuxer d;
  std::vector<MediaFrame> outFrames;
  for (const auto& t : tags) {
    auto s = t.video ? d.pushVideo(t.timestampMs, t.body, outFrames) : d.pushAudio(t.timestampMs, t.body, outFrames);
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  ASSERT_EQ(outFrames.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(outFrames[i].codec, in[i].codec);
    EXPECT_EQ(outFrames[i].dtsUs, in[i].dtsUs);
    EXPECT_EQ(outFrames[i].ptsUs, in[i].ptsUs);
    EXPECT_EQ(outFrames[i].keyframe, in[i].keyframe);
    EXPECT_EQ(outFrames[i].data, in[i].data);
    if (in[i].codec == MediaCodec::kAac || in[i].keyframe) {
      EXPECT_EQ(outFrames[i].config, in[i].config);
    }
  }
  EXPECT_TRUE(d.video()->reorders);
  EXPECT_EQ(d.video()->width, 640);
  EXPECT_EQ(d.audio()->sampleRate, 48000u);
}

}  // namespace
}  // namespace rtcgate::media
