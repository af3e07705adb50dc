#include "sfu/renditions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "../codec/codec_test_media.h"
#include "sfu_test_support.h"

namespace rtcgate::sfu {
namespace {

using media::MediaCodec;
using testing::FramePtr;
using testing::makeFrame;
using testing::RecordingListener;
using testing::RecordingSink;
using namespace std::chrono_literals;

constexpr int64_t kFrameUs = 33'333;
const FrameWants kH264Aac{MediaCodec::kH264, MediaCodec::kAac, false};
const FrameWants kH264Opus{MediaCodec::kH264, MediaCodec::kOpus, false};
const FrameWants kVp8Opus{MediaCodec::kVp8, MediaCodec::kOpus, false};

// Pass-through only: no codec pool.
class PassThroughTest : public ::testing::Test {
 protected:
  FramePtr video(int i, bool key) { return makeFrame(MediaCodec::kH264, i * kFrameUs, key); }
  FramePtr audio(int i) { return makeFrame(MediaCodec::kAac, i * kFrameUs + 1, true, 20); }

  RecordingListener listener;
  Renditions renditions{nullptr, nullptr, listener};
};

TEST_F(PassThroughTest, FramesReachOnlySinksThatTakeTheirCodec) {
  RecordingSink matching(kH264Aac);
  RecordingSink other(kVp8Opus);
  renditions.addSink(&matching);
  renditions.addSink(&other);
  renditions.onSourceFrame(video(0, true));
  renditions.onSourceFrame(audio(0));
  renditions.onSourceFrame(video(1, false));
  EXPECT_EQ(matching.log->frames.size(), 3u);
  EXPECT_EQ(matching.log->count(MediaCodec::kAac), 1u);
  // Without a pool nothing can be transcoded for it.
  EXPECT_TRUE(other.log->frames.empty());
  EXPECT_TRUE(renditions.describe().empty());
  EXPECT_EQ(renditions.counters().framesIn, 3u);
}

TEST_F(PassThroughTest, SinkJoiningMidGopGetsFramesSinceTheLastKeyframeInOrder) {
  std::vector<FramePtr> sent;
  for (int gop = 0; gop < 2; ++gop) {
    for (int i = 0; i < 4; ++i) {
      const int n = gop * 4 + i;
      sent.push_back(video(n, i == 0));
      sent.push_back(audio(n));
    }
  }
  for (const auto& f : sent) renditions.onSourceFrame(f);

  RecordingSink both(kH264Aac);
  RecordingSink videoOnly(kH264Opus);  // its audio is not the source's: no audio replay
  renditions.addSink(&both);
  renditions.addSink(&videoOnly);
  const std::vector<FramePtr> lastGop(sent.begin() + 8, sent.end());
  EXPECT_EQ(both.log->frames, lastGop);
  ASSERT_EQ(videoOnly.log->frames.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(videoOnly.log->frames[i], lastGop[2 * i]);
  EXPECT_TRUE(videoOnly.log->frames.front()->keyframe);
  EXPECT_EQ(listener.keyframeRequests, 0);  // the replay starts at a keyframe already

  // Then live frames follow the replay.
  const FramePtr next = video(8, false);
  renditions.onSourceFrame(next);
  EXPECT_EQ(both.log->frames.back(), next);
  EXPECT_EQ(videoOnly.log->frames.back(), next);
}

TEST_F(PassThroughTest, NoReplayBeforeAnyKeyframeButAKeyframeIsAskedFor) {
  renditions.onSourceFrame(video(0, false));
  renditions.onSourceFrame(audio(0));
  renditions.onSourceFrame(video(1, false));
  RecordingSink sink(kH264Aac);
  renditions.addSink(&sink);
  EXPECT_TRUE(sink.log->frames.empty());
  EXPECT_EQ(listener.keyframeRequests, 1);
  renditions.onSourceFrame(video(2, true));
  ASSERT_EQ(sink.log->frames.size(), 1u);
  EXPECT_TRUE(sink.log->frames[0]->keyframe);
}

TEST_F(PassThroughTest, GopOfAtMost600FramesIsReplayed) {
  renditions.onSourceFrame(video(0, true));
  for (int i = 1; i < 600; ++i) renditions.onSourceFrame(video(i, false));
  RecordingSink sink(kH264Aac);
  renditions.addSink(&sink);
  EXPECT_EQ(sink.log->frames.size(), 600u);
}

TEST_F(PassThroughTest, GopLongerThan600FramesIsDroppedNotReplayed) {
  renditions.onSourceFrame(video(0, true));
  for (int i = 1; i <= 600; ++i) renditions.onSourceFrame(video(i, false));
  renditions.onSourceFrame(video(601, false));
  RecordingSink sink(kH264Aac);
  renditions.addSink(&sink);
  EXPECT_TRUE(sink.log->frames.empty());
  EXPECT_EQ(listener.keyframeRequests, 1);
  // The next keyframe starts a new, replayable GOP.
  renditions.onSourceFrame(video(602, true));
  RecordingSink late(kH264Aac);
  renditions.addSink(&late);
  EXPECT_EQ(late.log->frames.size(), 1u);
}

TEST_F(PassThroughTest, GopOver16MiBIsDroppedNotReplayed) {
  constexpr size_t kMiB = 1024 * 1024;
  renditions.onSourceFrame(makeFrame(MediaCodec::kH264, 0, true, 4 * kMiB));
  for (int i = 1; i < 4; ++i)
    renditions.onSourceFrame(makeFrame(MediaCodec::kH264, i * kFrameUs, false, 4 * kMiB));
  RecordingSink full(kH264Aac);
  renditions.addSink(&full);
  EXPECT_EQ(full.log->frames.size(), 4u);  // exactly 16 MiB still fits
  renditions.removeSink(&full);

  renditions.onSourceFrame(makeFrame(MediaCodec::kH264, 4 * kFrameUs, false, 1));
  RecordingSink over(kH264Aac);
  renditions.addSink(&over);
  EXPECT_TRUE(over.log->frames.empty());
}

TEST_F(PassThroughTest, InOrderSinkDoesNotGetReorderingH264) {
  RecordingSink browser(FrameWants{MediaCodec::kH264, MediaCodec::kAac, true});
  RecordingSink rtmp(kH264Aac);
  renditions.addSink(&browser);
  renditions.addSink(&rtmp);
  renditions.setSourceVideoReorders(true);
  renditions.onSourceFrame(video(0, true));
  renditions.onSourceFrame(audio(0));
  EXPECT_EQ(browser.log->count(MediaCodec::kH264), 0u);
  EXPECT_EQ(browser.log->count(MediaCodec::kAac), 1u);  // its audio still passes
  EXPECT_EQ(rtmp.log->frames.size(), 2u);

  // A Baseline source (no B-frames) reaches it as it is.
  renditions.setSourceVideoReorders(false);
  renditions.onSourceFrame(video(1, false));
  EXPECT_EQ(browser.log->count(MediaCodec::kH264), 1u);
}

TEST_F(PassThroughTest, EndAllTellsEverySinkAndForgetsThem) {
  RecordingSink a(kH264Aac);
  RecordingSink b(kVp8Opus);
  renditions.addSink(&a);
  renditions.addSink(&b);
  renditions.onSourceFrame(video(0, true));
  renditions.endAll("over");
  EXPECT_EQ(a.log->endReasons, std::vector<std::string>{"over"});
  EXPECT_EQ(b.log->endReasons, std::vector<std::string>{"over"});
  EXPECT_FALSE(renditions.hasSinks());
  EXPECT_EQ(renditions.sinkCount(), 0u);
  renditions.onSourceFrame(video(1, false));
  EXPECT_EQ(a.log->frames.size(), 1u);
  // The GOP was forgotten too: a new sink waits for the next keyframe.
  RecordingSink c(kH264Aac);
  renditions.addSink(&c);
  EXPECT_TRUE(c.log->frames.empty());
}

TEST_F(PassThroughTest, KeyframeRequestOfAPassThroughSinkGoesToTheSource) {
  RecordingSink sink(kH264Aac);
  renditions.onSourceFrame(video(0, true));
  renditions.addSink(&sink);
  EXPECT_EQ(listener.keyframeRequests, 0);
  renditions.requestKeyframe(&sink);
  EXPECT_EQ(listener.keyframeRequests, 1);
}

TEST_F(PassThroughTest, RemovedSinkGetsNothingMore) {
  RecordingSink sink(kH264Aac);
  renditions.addSink(&sink);
  renditions.onSourceFrame(video(0, true));
  renditions.removeSink(&sink);
  renditions.onSourceFrame(video(1, false));
  EXPECT_EQ(sink.log->frames.size(), 1u);
  EXPECT_FALSE(renditions.hasSinks());
}

TEST_F(PassThroughTest, NewSourceForgetsThePreviousSourcesGop) {
  renditions.onSourceFrame(video(0, true));
  renditions.onSourceFrame(video(1, false));
  renditions.onSourceChanged();
  renditions.onSourceFrame(audio(0));  // the new source's first frame, before its keyframe
  RecordingSink sink(kH264Aac);
  renditions.addSink(&sink);
  EXPECT_TRUE(sink.log->frames.empty());
  EXPECT_EQ(listener.keyframeRequests, 1);
}

// With a real codec pool: one transcode per wanted codec, shared by its sinks.
class TranscodeTest : public ::testing::Test {
 protected:
  codec::CodecPool pool{1};
  testing::TestExecutor executor;
  RecordingListener listener;
  Renditions renditions{&pool, &executor, listener, EncodeOptions{1000}};
};

TEST_F(TranscodeTest, OneSharedRenditionStartsAndStopsWithItsSinks) {
  RecordingSink a(kH264Opus);
  RecordingSink b(kH264Opus);
  renditions.addSink(&a);
  renditions.addSink(&b);
  // Not a keyframe: the transcode starts but cannot decode it.
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, 0, false));
  EXPECT_EQ(renditions.describe(), std::vector<std::string>{"VP8→H264"});
  EXPECT_EQ(renditions.counters().started, 1u);
  EXPECT_EQ(renditions.counters().framesSkipped, 1u);
  EXPECT_EQ(listener.keyframeRequests, 1);  // a new transcode needs a keyframe
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, kFrameUs, false));
  EXPECT_EQ(renditions.counters().started, 1u);
  EXPECT_EQ(renditions.counters().framesSkipped, 2u);  // fed once, not once per sink

  renditions.removeSink(&a);
  EXPECT_EQ(renditions.describe().size(), 1u);
  EXPECT_EQ(renditions.counters().stopped, 0u);
  renditions.removeSink(&b);
  EXPECT_TRUE(renditions.describe().empty());
  EXPECT_EQ(renditions.counters().stopped, 1u);
}

// An audio-only sink (a mix's input) gets audio and nothing of the video: no frames, no
// replay, no keyframe requests, and no video transcode started or kept for it.
TEST_F(TranscodeTest, AnAudioOnlySinkStartsNoVideoRendition) {
  FrameWants audioOnly{MediaCodec::kH264, MediaCodec::kOpus, false};
  audioOnly.noVideo = true;
  RecordingSink sink(audioOnly);
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, 0, true));
  renditions.addSink(&sink);
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, kFrameUs, false));
  renditions.onSourceFrame(makeFrame(MediaCodec::kOpus, kFrameUs + 1, true, 20));
  renditions.requestKeyframe(&sink);
  EXPECT_TRUE(renditions.describe().empty());
  EXPECT_EQ(listener.keyframeRequests, 0);
  ASSERT_EQ(sink.log->frames.size(), 1u);
  EXPECT_EQ(sink.log->frames[0]->codec, MediaCodec::kOpus);
  // Beside a sink that does need H.264, the rendition serves that one alone.
  RecordingSink video(kH264Opus);
  renditions.addSink(&video);
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, 2 * kFrameUs, true));
  EXPECT_EQ(renditions.describe(), std::vector<std::string>{"VP8→H264"});
  renditions.removeSink(&video);
  EXPECT_TRUE(renditions.describe().empty());
  EXPECT_EQ(sink.log->count(MediaCodec::kVp8) + sink.log->count(MediaCodec::kH264), 0u);
}

TEST_F(TranscodeTest, NewSourceIsFedFromItsFirstKeyframe) {
  RecordingSink sink(kH264Opus);
  renditions.addSink(&sink);
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, 0, true));
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, kFrameUs, false));
  EXPECT_EQ(renditions.counters().framesSkipped, 0u);
  renditions.onSourceChanged();
  // The decoder never saw the new source's keyframe: its inter frames are no use.
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, 0, false));
  EXPECT_EQ(renditions.counters().framesSkipped, 1u);
  EXPECT_EQ(renditions.counters().started, 1u);  // the same transcode goes on
}

TEST_F(TranscodeTest, PassThroughAndTranscodedSinksSideBySide) {
  RecordingSink vp8(kVp8Opus);
  RecordingSink h264(kH264Opus);
  renditions.addSink(&vp8);
  renditions.addSink(&h264);
  renditions.onSourceFrame(makeFrame(MediaCodec::kVp8, 0, true));
  EXPECT_EQ(vp8.log->frames.size(), 1u);
  EXPECT_EQ(renditions.counters().started, 1u);
  // The VP8 sink needs no transcode: removing the H.264 one stops it.
  renditions.removeSink(&h264);
  EXPECT_EQ(renditions.counters().stopped, 1u);
}

TEST_F(TranscodeTest, InOrderSinkGetsAReEncodeOfReorderingH264) {
  RecordingSink browser(FrameWants{MediaCodec::kH264, MediaCodec::kOpus, true});
  RecordingSink rtmp(kH264Opus);
  renditions.addSink(&browser);
  renditions.addSink(&rtmp);
  renditions.setSourceVideoReorders(true);
  renditions.onSourceFrame(makeFrame(MediaCodec::kH264, 0, true));
  EXPECT_EQ(renditions.describe(), std::vector<std::string>{"H264→H264"});
  EXPECT_EQ(rtmp.log->frames.size(), 1u);
  EXPECT_TRUE(browser.log->frames.empty());
  // The source turned out to be Baseline after all: the re-encode is not needed.
  renditions.setSourceVideoReorders(false);
  EXPECT_TRUE(renditions.describe().empty());
  EXPECT_EQ(renditions.counters().stopped, 1u);
}

TEST_F(TranscodeTest, OpusSinksGetOpusMadeFromAac) {
  const auto source = codec::testing::encodeSine(MediaCodec::kAac, 44'100, 2, 400);
  ASSERT_GE(source.size(), 10u);
  RecordingSink sink(kH264Opus);
  renditions.addSink(&sink);
  for (const auto& f : source) {
    renditions.onSourceFrame(std::make_shared<const media::MediaFrame>(f));
    executor.runUntil([] { return false; }, 2ms);
  }
  EXPECT_EQ(renditions.describe(), std::vector<std::string>{"AAC→opus"});
  ASSERT_TRUE(executor.runUntil([&] { return sink.log->frames.size() >= 5; }, 5s));
  EXPECT_EQ(renditions.counters().failed, 0u);
  std::vector<media::MediaFrame> got;
  for (const auto& f : sink.log->frames) {
    EXPECT_EQ(f->codec, MediaCodec::kOpus);
    got.push_back(*f);
  }
  const auto decoded = codec::testing::decodeAudio(got, MediaCodec::kOpus);
  EXPECT_EQ(decoded.errors, 0);
  EXPECT_EQ(decoded.sampleRate, 48'000);
  EXPECT_GT(decoded.energy, 0.01);
}

TEST_F(TranscodeTest, H264SinksGetH264MadeFromVp8) {
  const auto source = codec::testing::encodeVideo(MediaCodec::kVp8, 160, 96, 30, 30);
  ASSERT_GE(source.size(), 30u);
  ASSERT_TRUE(source.front().keyframe);
  RecordingSink a(kH264Opus);
  RecordingSink b(kH264Opus);
  renditions.addSink(&a);
  renditions.addSink(&b);
  auto bothGotFrames = [&] { return a.log->frames.size() >= 3 && b.log->frames.size() >= 3; };
  // Paced a little, as a camera would be, so the pool's bounded queue does not overflow.
  for (const auto& f : source) {
    renditions.onSourceFrame(std::make_shared<const media::MediaFrame>(f));
    executor.runUntil([] { return false; }, 5ms);
  }
  ASSERT_TRUE(executor.runUntil(bothGotFrames, 5s));
  EXPECT_EQ(renditions.counters().started, 1u);
  EXPECT_EQ(renditions.counters().failed, 0u);
  EXPECT_EQ(renditions.describe(), std::vector<std::string>{"VP8→H264"});
  const FramePtr& first = a.log->frames.front();
  EXPECT_EQ(first->codec, MediaCodec::kH264);
  EXPECT_TRUE(first->keyframe);
  EXPECT_FALSE(first->config.empty());  // SPS and PPS with the keyframe
  EXPECT_TRUE(codec::testing::hasNal(first->data, media::kNalIdr));
  // One transcode: both sinks share the very same frames.
  const size_t n = std::min(a.log->frames.size(), b.log->frames.size());
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(a.log->frames[i], b.log->frames[i]);
  for (const auto& f : a.log->frames) EXPECT_EQ(f->codec, MediaCodec::kH264);

  std::vector<media::MediaFrame> got;
  for (const auto& f : a.log->frames) got.push_back(*f);
  const auto decoded = codec::testing::decodeVideo(got, MediaCodec::kH264);
  EXPECT_EQ(decoded.errors, 0);
  EXPECT_EQ(decoded.width, 160);
}

// Sinks that want different codecs of one source share one decode: a single video
// transcode makes both, and each sink gets only its own codec.
TEST_F(TranscodeTest, SinksWantingDifferentCodecsShareOneDecode) {
  const auto source = codec::testing::encodeVideo(MediaCodec::kH264, 160, 96, 30, 30);
  ASSERT_TRUE(source.front().keyframe);
  RecordingSink browser(FrameWants{MediaCodec::kH264, MediaCodec::kOpus, true});
  RecordingSink vp8(kVp8Opus);
  renditions.addSink(&browser);
  renditions.addSink(&vp8);
  renditions.setSourceVideoReorders(true);
  auto bothGotFrames = [&] { return browser.log->frames.size() >= 3 && vp8.log->frames.size() >= 3; };
  for (const auto& f : source) {
    renditions.onSourceFrame(std::make_shared<const media::MediaFrame>(f));
    executor.runUntil([] { return false; }, 5ms);
  }
  ASSERT_TRUE(executor.runUntil(bothGotFrames, 5s));
  EXPECT_EQ(renditions.describe(), std::vector<std::string>{"H264→VP8+H264"});
  EXPECT_EQ(renditions.counters().started, 1u);
  EXPECT_EQ(renditions.counters().failed, 0u);
  for (const auto& f : browser.log->frames) EXPECT_EQ(f->codec, MediaCodec::kH264);
  for (const auto& f : vp8.log->frames) EXPECT_EQ(f->codec, MediaCodec::kVp8);
  EXPECT_TRUE(vp8.log->frames.front()->keyframe);
  // The VP8 sink leaves: the transcode goes on for the browser, and stops with it.
  renditions.removeSink(&vp8);
  EXPECT_EQ(renditions.running(), 1u);
  renditions.removeSink(&browser);
  EXPECT_EQ(renditions.running(), 0u);
}

// A sink that wants a codec the running transcode does not make replaces it with one that
// makes both (from the source's next keyframe), so the source is still decoded once.
TEST_F(TranscodeTest, ANewCodecReplacesTheTranscodeWithOneThatMakesBoth) {
  RecordingSink browser(FrameWants{MediaCodec::kH264, MediaCodec::kOpus, true});
  renditions.addSink(&browser);
  renditions.setSourceVideoReorders(true);
  renditions.onSourceFrame(makeFrame(MediaCodec::kH264, 0, true));
  EXPECT_EQ(renditions.describe(), std::vector<std::string>{"H264→H264"});
  RecordingSink vp8(kVp8Opus);
  renditions.addSink(&vp8);
  renditions.onSourceFrame(makeFrame(MediaCodec::kH264, kFrameUs, false));
  EXPECT_EQ(renditions.describe(), std::vector<std::string>{"H264→VP8+H264"});
  EXPECT_EQ(renditions.counters().started, 2u);
  EXPECT_EQ(renditions.counters().stopped, 1u);
  EXPECT_EQ(renditions.running(), 1u);  // never two decodes of one source
}


}  // namespace
}  // namespace rtcgate::sfu
