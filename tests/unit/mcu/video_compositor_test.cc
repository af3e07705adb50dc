// The video compositor: solid-colour sources encoded with real codecs come out in their
// tiles of the encoded canvas; a source without frames is a placeholder; a source that
// stops keeps its last picture; pictures wait for the display delay; a broken source waits
// for a keyframe and asks for one.
#include "mcu/video_compositor.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "mcu/canvas.h"

namespace rtcgate::mcu {
namespace {

using media::MediaCodec;

// A yuv420p picture of one colour.
codec::FramePtr solid(int width, int height, Yuv colour) {
  codec::FramePtr f(av_frame_alloc());
  f->format = AV_PIX_FMT_YUV420P;
  f->width = width;
  f->height = height;
  EXPECT_EQ(av_frame_get_buffer(f.get(), 0), 0);
  fillRect(*f, {0, 0, width, height}, colour);
  return f;
}

// `count` encoded frames of one colour, the first a keyframe.
std::vector<media::MediaFrame> encodedSolid(MediaCodec codec, int width, int height, Yuv colour, int count) {
  codec::TranscodeSpec spec;
  spec.to = codec;
  auto encoder = codec::VideoEncoder::create(spec, width, height, 30);
  EXPECT_TRUE(encoder.ok());
  auto picture = solid(width, height, colour);
  std::vector<media::MediaFrame> out;
  for (int i = 0; i < count; ++i) EXPECT_TRUE((*encoder)->encode(picture.get(), i * 33'333, i == 0, out).ok());
  return out;
}

// The colour at (x, y) of the picture an H.264 frame decodes to.
struct Decoded {
  codec::FramePtr picture;
  Yuv at(int x, int y) const {
    const AVFrame& f = *picture;
    return {f.data[0][y * f.linesize[0] + x], f.data[1][(y / 2) * f.linesize[1] + x / 2],
            f.data[2][(y / 2) * f.linesize[2] + x / 2]};
  }
};

Decoded decodeAll(const std::vector<media::MediaFrame>& frames) {
  auto decoder = codec::VideoDecoder::create(MediaCodec::kH264);
  EXPECT_TRUE(decoder.ok());
  Decoded d;
  for (const auto& f : frames) {
    EXPECT_TRUE((*decoder)->send(f).ok());
    while (AVFrame* p = (*decoder)->receive()) {
      d.picture.reset(av_frame_alloc());
      av_frame_ref(d.picture.get(), p);
    }
  }
  return d;
}

bool near(Yuv a, Yuv b, int tolerance = 12) {
  return std::abs(a.y - b.y) <= tolerance && std::abs(a.u - b.u) <= tolerance && std::abs(a.v - b.v) <= tolerance;
}

constexpr Yuv kRed{81, 90, 240}, kGreen{145, 54, 34}, kBlue{41, 240, 110};

std::unique_ptr<VideoCompositor> make(int64_t delayUs = 0) {
  VideoCompositorOptions o;
  o.width = 320;
  o.height = 240;
  o.fps = 30;
  o.delayUs = delayUs;
  auto c = VideoCompositor::create(o);
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

TEST(VideoCompositorTest, EverySourceIsInItsTile) {
  auto c = make();
  c->setSources({"a", "b", "c", "d"});
  for (const auto& f : encodedSolid(MediaCodec::kVp8, 160, 120, kRed, 3)) ASSERT_TRUE(c->push("a", f, 0).ok());
  for (const auto& f : encodedSolid(MediaCodec::kH264, 320, 240, kGreen, 3)) ASSERT_TRUE(c->push("b", f, 0).ok());
  for (const auto& f : encodedSolid(MediaCodec::kH264, 200, 100, kBlue, 3)) ASSERT_TRUE(c->push("c", f, 0).ok());
  std::vector<media::MediaFrame> out;
  ASSERT_TRUE(c->compose(1000, 0, out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].keyframe);
  EXPECT_EQ(out[0].codec, MediaCodec::kH264);
  const Decoded d = decodeAll(out);
  ASSERT_TRUE(d.picture);
  EXPECT_EQ(d.picture->width, 320);
  EXPECT_TRUE(near(d.at(80, 60), kRed));
  EXPECT_TRUE(near(d.at(240, 60), kGreen));
  EXPECT_TRUE(near(d.at(80, 180), kBlue));
  EXPECT_TRUE(near(d.at(240, 180), kPlaceholder));  // "d" sent nothing
  // "c" is 2:1 in a 4:3 tile: letterboxed, black above and below.
  EXPECT_TRUE(near(d.at(80, 125), kBlack));
  EXPECT_EQ(c->stats().decodeErrors, 0u);
}

TEST(VideoCompositorTest, AStalledSourceKeepsItsLastPictureAndPicturesWaitForTheDelay) {
  auto c = make(100'000);
  c->setSources({"a"});
  for (const auto& f : encodedSolid(MediaCodec::kVp8, 160, 120, kRed, 2)) ASSERT_TRUE(c->push("a", f, 1'000'000).ok());
  std::vector<media::MediaFrame> out;
  ASSERT_TRUE(c->compose(1'050'000, 0, out).ok());  // before the display delay: nothing yet
  EXPECT_TRUE(near(decodeAll(out).at(160, 120), kPlaceholder));
  c->requestKeyframe();
  out.clear();
  ASSERT_TRUE(c->compose(1'100'000, 33'333, out).ok());
  EXPECT_TRUE(near(decodeAll(out).at(160, 120), kRed));
  c->requestKeyframe();
  out.clear();
  ASSERT_TRUE(c->compose(9'000'000, 66'666, out).ok());  // no frame for 8 s
  EXPECT_TRUE(near(decodeAll(out).at(160, 120), kRed));
}

TEST(VideoCompositorTest, ABrokenSourceWaitsForAKeyframeAndAsksForOne) {
  auto c = make();
  c->setSources({"a"});
  auto frames = encodedSolid(MediaCodec::kVp8, 160, 120, kRed, 4);
  ASSERT_TRUE(c->push("a", frames[1], 0).ok());  // joined mid-GOP: skipped
  EXPECT_EQ(c->stats().framesSkipped, 1u);
  EXPECT_EQ(c->takeKeyframeRequests(0), std::vector<std::string>{"a"});
  EXPECT_TRUE(c->takeKeyframeRequests(10'000).empty());  // not again within a second
  ASSERT_TRUE(c->push("a", frames[0], 20'000).ok());
  media::MediaFrame garbage = frames[1];
  garbage.data.assign(garbage.data.size(), 0xff);
  (void)c->push("a", garbage, 30'000);
  media::MediaFrame lost = frames[2];
  lost.afterLoss = true;
  ASSERT_TRUE(c->push("a", lost, 40'000).ok());
  EXPECT_GE(c->stats().framesSkipped, 2u);
  EXPECT_EQ(c->takeKeyframeRequests(2'000'000), std::vector<std::string>{"a"});
}

TEST(VideoCompositorTest, UnlistedSourcesAreIgnoredAndRegionsDrawInZOrder) {
  auto c = make();
  c->setSources({"a", "b"});
  c->setLayout(LayoutKind::kRegions, {{"b", 0.25, 0.25, 0.5, 0.5, 1}, {"a", 0, 0, 1, 1, 0}});
  for (const auto& f : encodedSolid(MediaCodec::kVp8, 320, 240, kRed, 1)) ASSERT_TRUE(c->push("a", f, 0).ok());
  for (const auto& f : encodedSolid(MediaCodec::kVp8, 320, 240, kGreen, 1)) ASSERT_TRUE(c->push("b", f, 0).ok());
  for (const auto& f : encodedSolid(MediaCodec::kVp8, 320, 240, kBlue, 1)) ASSERT_TRUE(c->push("x", f, 0).ok());
  std::vector<media::MediaFrame> out;
  ASSERT_TRUE(c->compose(0, 0, out).ok());
  const Decoded d = decodeAll(out);
  EXPECT_TRUE(near(d.at(20, 20), kRed));
  EXPECT_TRUE(near(d.at(160, 120), kGreen));  // "b" on top of "a"
  c->setSources({"a"});
  c->setActiveSpeaker("a");
  out.clear();
  c->requestKeyframe();
  ASSERT_TRUE(c->compose(0, 33'333, out).ok());
  EXPECT_TRUE(near(decodeAll(out).at(160, 120), kRed));  // "b" left, not drawn
}

TEST(VideoCompositorTest, SpeakerLayoutFramesTheSpeaker) {
  auto c = make();
  c->setSources({"a", "b"});
  c->setLayout(LayoutKind::kSpeaker);
  c->setActiveSpeaker("b");
  std::vector<media::MediaFrame> out;
  ASSERT_TRUE(c->compose(0, 0, out).ok());
  const Decoded d = decodeAll(out);
  EXPECT_TRUE(near(d.at(1, 1), kSpeakerBorder, 20));  // "b" fills the top: its border is at the corner
  EXPECT_TRUE(near(d.at(160, 90), kPlaceholder));
}

TEST(VideoCompositorTest, RefusesABadCanvas) {
  VideoCompositorOptions o;
  o.width = 321;
  EXPECT_FALSE(VideoCompositor::create(o).ok());
}

}  // namespace
}  // namespace rtcgate::mcu
