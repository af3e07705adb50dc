#include "codec/video_transcoder.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "codec/transcoder.h"
#include "codec_test_media.h"
#include "media/annex_b.h"
#include "media/h264_sei.h"

namespace rtcgate::codec {
namespace {

using media::MediaCodec;
using media::MediaFrame;

std::unique_ptr<Transcoder> make(MediaCodec from, MediaCodec to, int keyframeIntervalMs = 2000) {
  TranscodeSpec spec;
  spec.from = from;
  spec.to = to;
  spec.keyframeIntervalMs = keyframeIntervalMs;
  auto t = Transcoder::create(spec);
  EXPECT_TRUE(t.ok());
  return t.ok() ? std::move(t.value()) : nullptr;
}

std::vector<MediaFrame> pushAll(Transcoder& t, const std::vector<MediaFrame>& in) {
  std::vector<MediaFrame> out;
  for (const auto& f : in) EXPECT_TRUE(t.push(f, out).ok());
  return out;
}

// What every H.264 output must be: browser-safe and decodable from its first frame.
void expectBrowserSafeH264(const std::vector<MediaFrame>& in, const std::vector<MediaFrame>& out,
                           int width, int height) {
  ASSERT_GE(out.size() * 10, in.size() * 9) << "fewer than 90% of the frames came out";
  ASSERT_TRUE(out.front().keyframe);
  ASSERT_FALSE(out.front().config.empty());
  EXPECT_EQ(testing::profileIdc(out.front().config), 66);
  EXPECT_TRUE(testing::hasNal(out.front().data, media::kNalSps));
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].codec, MediaCodec::kH264);
    EXPECT_EQ(out[i].dtsUs, out[i].ptsUs);
    if (i > 0) {
      EXPECT_GT(out[i].ptsUs, out[i - 1].ptsUs) << "at " << i;
    }
    if (out[i].keyframe) {
      EXPECT_FALSE(out[i].config.empty()) << "at " << i;
    }
  }
  const auto decoded = testing::decodeVideo(out, MediaCodec::kH264);
  EXPECT_EQ(decoded.errors, 0);
  EXPECT_EQ(decoded.pictures, static_cast<int>(out.size()));
  EXPECT_EQ(decoded.width, width);
  EXPECT_EQ(decoded.height, height);
  // No B-frames: pictures come out of the decoder in the order they went in.
  EXPECT_TRUE(std::is_sorted(decoded.pts.begin(), decoded.pts.end()));
}

TEST(VideoTranscoderTest, Vp8ToH264IsConstrainedBaselineAndDecodes) {
  const auto in = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 60);
  ASSERT_EQ(in.size(), 60u);
  auto t = make(MediaCodec::kVp8, MediaCodec::kH264);
  const auto out = pushAll(*t, in);
  expectBrowserSafeH264(in, out, 320, 240);
  // Output time is input time.
  for (const auto& f : out) {
    EXPECT_TRUE(std::any_of(in.begin(), in.end(), [&](const MediaFrame& i) { return i.ptsUs == f.ptsUs; }));
  }
}

// One decode for every output codec: the source is decoded once a frame, and each output
// is a whole stream of its own codec that decodes.
TEST(VideoTranscoderTest, OneDecodeFeedsEveryOutputCodec) {
  const auto in = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 60);
  TranscodeSpec spec;
  spec.from = MediaCodec::kVp8;
  spec.to = MediaCodec::kH264;
  spec.alsoTo = {MediaCodec::kVp8};
  auto created = VideoTranscoder::create(spec);
  ASSERT_TRUE(created.ok());
  auto& t = **created;
  std::vector<MediaFrame> out;
  for (const auto& f : in) ASSERT_TRUE(t.push(f, out).ok());
  EXPECT_EQ(t.picturesDecoded(), in.size());
  std::vector<MediaFrame> h264, vp8;
  for (auto& f : out) (f.codec == MediaCodec::kH264 ? h264 : vp8).push_back(std::move(f));
  expectBrowserSafeH264(in, h264, 320, 240);
  ASSERT_GE(vp8.size() * 10, in.size() * 9);
  EXPECT_TRUE(vp8.front().keyframe);
  const auto decoded = testing::decodeVideo(vp8, MediaCodec::kVp8);
  EXPECT_EQ(decoded.errors, 0);
  EXPECT_EQ(decoded.pictures, static_cast<int>(vp8.size()));
  EXPECT_EQ(decoded.width, 320);
}

TEST(VideoTranscoderTest, H264WithBFramesBecomesBaselineInPresentationOrder) {
  const auto in = testing::encodeVideo(MediaCodec::kH264, 320, 240, 60);
  ASSERT_EQ(in.size(), 60u);
  ASSERT_TRUE(std::any_of(in.begin(), in.end(), [](const MediaFrame& f) { return f.ptsUs != f.dtsUs; }))
      << "the input should have B-frames";
  auto t = make(MediaCodec::kH264, MediaCodec::kH264);
  const auto out = pushAll(*t, in);
  expectBrowserSafeH264(in, out, 320, 240);
}

TEST(VideoTranscoderTest, KeyframeWithOutOfBandParameterSetsDecodes) {
  auto in = testing::encodeVideo(MediaCodec::kH264, 320, 240, 30);
  ASSERT_TRUE(in.front().keyframe);
  // RTMP carries SPS/PPS only in the sequence header: strip them from the access unit.
  std::vector<uint8_t> stripped;
  media::AnnexBReader r(in.front().data);
  std::span<const uint8_t> nal;
  while (r.next(nal)) {
    const uint8_t type = media::nalType(nal[0]);
    if (type != media::kNalSps && type != media::kNalPps) media::appendNal(stripped, nal);
  }
  in.front().data = stripped;
  ASSERT_FALSE(testing::hasNal(in.front().data, media::kNalSps));
  auto t = make(MediaCodec::kH264, MediaCodec::kH264);
  const auto out = pushAll(*t, in);
  expectBrowserSafeH264(in, out, 320, 240);
}

TEST(VideoTranscoderTest, RequestedKeyframeComesWithinTwoFrames) {
  const auto in = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 40, 1000);
  auto t = make(MediaCodec::kVp8, MediaCodec::kH264);
  std::vector<MediaFrame> out;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(t->push(in[i], out).ok());
  out.clear();
  t->requestKeyframe();
  for (int i = 20; i < 22; ++i) ASSERT_TRUE(t->push(in[i], out).ok());
  ASSERT_FALSE(out.empty());
  EXPECT_TRUE(out.front().keyframe);
  EXPECT_TRUE(testing::hasNal(out.front().data, media::kNalSps));
  EXPECT_TRUE(testing::hasNal(out.front().data, media::kNalIdr));
  EXPECT_EQ(testing::profileIdc(out.front().config), 66);
  // Only that one: the next frame is a delta frame again.
  out.clear();
  ASSERT_TRUE(t->push(in[22], out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out.front().keyframe);
}

TEST(VideoTranscoderTest, KeyframesFollowTheInterval) {
  const auto in = testing::encodeVideo(MediaCodec::kVp8, 160, 120, 90, 1000);
  auto t = make(MediaCodec::kVp8, MediaCodec::kH264, 1000);
  const auto out = pushAll(*t, in);
  std::vector<int64_t> keys;
  for (const auto& f : out) {
    if (f.keyframe) keys.push_back(f.ptsUs);
  }
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], 0);
  EXPECT_NEAR(static_cast<double>(keys[1]), 1e6, testing::kFrameUs);
  EXPECT_NEAR(static_cast<double>(keys[2]), 2e6, testing::kFrameUs);
}

TEST(VideoTranscoderTest, AfterLossSkipsUntilTheNextKeyframe) {
  const auto in = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 60, 30);
  size_t nextKey = 0;
  for (size_t i = 11; i < in.size() && nextKey == 0; ++i) {
    if (in[i].keyframe) nextKey = i;
  }
  ASSERT_GT(nextKey, 11u);
  auto t = make(MediaCodec::kVp8, MediaCodec::kH264);
  std::vector<MediaFrame> out;
  for (size_t i = 0; i < 10; ++i) ASSERT_TRUE(t->push(in[i], out).ok());
  const size_t before = out.size();
  MediaFrame lost = in[10];
  lost.afterLoss = true;
  ASSERT_TRUE(t->push(lost, out).ok());
  for (size_t i = 11; i < nextKey; ++i) ASSERT_TRUE(t->push(in[i], out).ok());
  EXPECT_EQ(out.size(), before);
  EXPECT_EQ(t->framesSkipped(), nextKey - 10);
  ASSERT_TRUE(t->push(in[nextKey], out).ok());
  ASSERT_EQ(out.size(), before + 1);
  EXPECT_EQ(out.back().ptsUs, in[nextKey].ptsUs);
}

TEST(VideoTranscoderTest, ResolutionChangeReopensTheEncoder) {
  // 40 frames (1.3 s) at one size, then another: past the least time between sizes.
  const auto big = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 40);
  const auto small = testing::encodeVideo(MediaCodec::kVp8, 160, 120, 10, 30, 40 * testing::kFrameUs);
  auto t = make(MediaCodec::kVp8, MediaCodec::kH264);
  const auto outBig = pushAll(*t, big);
  const auto outSmall = pushAll(*t, small);
  ASSERT_EQ(outBig.size(), 40u);
  ASSERT_EQ(outSmall.size(), 10u);
  EXPECT_TRUE(outSmall.front().keyframe);
  EXPECT_FALSE(outSmall.front().config.empty());
  EXPECT_EQ(testing::decodeVideo(outSmall, MediaCodec::kH264).width, 160);
  EXPECT_EQ(testing::decodeVideo(outBig, MediaCodec::kH264).width, 320);
}

// A source that changes size on every frame does not make the encoder reopen on every
// frame: at most once a second, and the pictures in between are scaled to its size.
TEST(VideoTranscoderTest, SizeChangingOnEveryFrameReopensAtMostOnceASecond) {
  const auto a = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 60);
  const auto b = testing::encodeVideo(MediaCodec::kVp8, 160, 120, 60);
  auto t = make(MediaCodec::kVp8, MediaCodec::kH264, 60'000);
  std::vector<MediaFrame> out;
  size_t errors = 0;
  for (size_t i = 0; i < 60; ++i) {
    // Every frame a keyframe of the other size (2 s of input at 30 fps).
    MediaFrame f = (i % 2 == 0 ? a : b)[0];
    f.ptsUs = f.dtsUs = static_cast<int64_t>(i) * testing::kFrameUs;
    if (!t->push(f, out).ok()) ++errors;
  }
  EXPECT_EQ(errors, 0u);
  ASSERT_GE(out.size(), 55u);
  size_t opens = 0;
  for (const auto& f : out) opens += !f.config.empty() && f.keyframe ? 1 : 0;
  EXPECT_LE(opens, 3u) << "an encoder opened for (nearly) every frame";
}

// A picture over maxPixels is scaled down, its aspect kept.
TEST(VideoTranscoderTest, LargePicturesAreScaledWithinMaxPixels) {
  const auto in = testing::encodeVideo(MediaCodec::kVp8, 640, 480, 10);
  TranscodeSpec spec;
  spec.from = MediaCodec::kVp8;
  spec.to = MediaCodec::kH264;
  spec.maxPixels = 320 * 240;
  auto t = Transcoder::create(spec);
  ASSERT_TRUE(t.ok());
  const auto out = pushAll(**t, in);
  ASSERT_EQ(out.size(), 10u);
  const auto decoded = testing::decodeVideo(out, MediaCodec::kH264);
  EXPECT_EQ(decoded.width, 320);
  EXPECT_EQ(decoded.height, 240);
}

TEST(VideoTranscoderTest, BrokenFrameIsAnErrorAndLaterFramesGoOn) {
  const auto in = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 10);
  auto t = make(MediaCodec::kVp8, MediaCodec::kH264);
  std::vector<MediaFrame> out;
  ASSERT_TRUE(t->push(in[0], out).ok());
  MediaFrame broken = in[1];
  broken.data.assign(3, 0xff);
  EXPECT_FALSE(t->push(broken, out).ok());
  MediaFrame empty = in[1];
  empty.data.clear();
  EXPECT_FALSE(t->push(empty, out).ok());
  for (size_t i = 1; i < in.size(); ++i) (void)t->push(in[i], out);
  EXPECT_GE(out.size(), 5u);
}

TEST(VideoTranscoderTest, JitteredInputTimesLandOnTheFrameGrid) {
  auto in = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 60);
  // A WebRTC capture: 30 fps with up to ±8 ms of jitter on every frame.
  const int jitterMs[] = {0, 7, -6, 3, -8, 5, 8, -2, -7, 4};
  for (size_t i = 0; i < in.size(); ++i) {
    in[i].ptsUs = static_cast<int64_t>(i) * 33'333 + jitterMs[i % 10] * 1000;
    in[i].dtsUs = in[i].ptsUs;
  }
  auto t = make(MediaCodec::kVp8, MediaCodec::kH264);
  const auto out = pushAll(*t, in);
  ASSERT_GE(out.size(), 55u);
  // Every output time is within 2 ms of a slot of 1/30 s, one frame per slot.
  std::vector<int64_t> slots;
  for (const auto& f : out) {
    const int64_t slot = std::llround(static_cast<double>(f.ptsUs) * 30 / 1e6);
    EXPECT_LE(std::abs(f.ptsUs - std::llround(slot * 1e6 / 30)), 2'000) << f.ptsUs;
    slots.push_back(slot);
  }
  EXPECT_TRUE(std::adjacent_find(slots.begin(), slots.end(), [](int64_t a, int64_t b) { return b <= a; }) ==
              slots.end());
}

TEST(VideoTranscoderTest, H264ToVp8Decodes) {
  const auto in = testing::encodeVideo(MediaCodec::kH264, 320, 240, 30);
  auto t = make(MediaCodec::kH264, MediaCodec::kVp8);
  const auto out = pushAll(*t, in);
  ASSERT_GE(out.size(), 27u);
  EXPECT_TRUE(out.front().keyframe);
  const auto decoded = testing::decodeVideo(out, MediaCodec::kVp8);
  EXPECT_EQ(decoded.errors, 0);
  EXPECT_EQ(decoded.pictures, static_cast<int>(out.size()));
  EXPECT_EQ(decoded.width, 320);
}

TEST(VideoTranscoderTest, UnsupportedPairsAreRefused) {
  TranscodeSpec spec;
  spec.from = MediaCodec::kOpus;
  spec.to = MediaCodec::kH264;
  EXPECT_FALSE(Transcoder::create(spec).ok());
  spec.from = MediaCodec::kVp8;
  spec.to = MediaCodec::kVp9;
  EXPECT_FALSE(Transcoder::create(spec).ok());
}

// With seiMetadata the metadata of an input frame is in the H.264 made from it, as SEI user
// data before the slices, and the output still decodes.
TEST(VideoTranscoderTest, MetadataRidesAsSeiWhenAsked) {
  TranscodeSpec spec;
  spec.from = MediaCodec::kVp8;
  spec.to = MediaCodec::kH264;
  spec.seiMetadata = true;
  auto t = Transcoder::create(spec);
  ASSERT_TRUE(t.ok());
  auto in = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 10);
  const std::string line = R"({"line":"twinkle"})";
  in[4].metadata.push_back(std::make_shared<const std::vector<uint8_t>>(line.begin(), line.end()));
  const auto out = pushAll(**t, in);
  int withSei = 0;
  for (const auto& f : out) {
    media::AnnexBReader nals(f.data);
    std::span<const uint8_t> nal;
    bool sliceSeen = false;
    while (nals.next(nal)) {
      const uint8_t type = media::nalType(nal[0]);
      if (type == 1 || type == media::kNalIdr) sliceSeen = true;
      if (type != media::kNalSei) continue;
      media::SeiReader reader;
      std::vector<media::SeiUserData> found;
      ASSERT_TRUE(reader.read(nal, found).ok());
      for (const auto& sei : found) {
        if (sei.uuid != media::kRtcgateSeiUuid) continue;
        EXPECT_FALSE(sliceSeen) << "SEI after a slice";
        EXPECT_EQ(std::string(sei.payload.begin(), sei.payload.end()), line);
        EXPECT_FALSE(f.metadata.empty());
        ++withSei;
      }
    }
  }
  EXPECT_EQ(withSei, 1);
  EXPECT_EQ(testing::decodeVideo(out, MediaCodec::kH264).errors, 0);
}

}  // namespace
}  // namespace rtcgate::codec
