#include "codec/audio_transcoder.h"

#include <gtest/gtest.h>

#include "codec/transcoder.h"
#include "codec_test_media.h"

namespace rtcgate::codec {
namespace {

using media::MediaCodec;
using media::MediaFrame;

std::unique_ptr<Transcoder> make(MediaCodec from, MediaCodec to, int rate = 48'000, int channels = 2) {
  TranscodeSpec spec;
  spec.from = from;
  spec.to = to;
  spec.sampleRate = rate;
  spec.channels = channels;
  auto t = Transcoder::create(spec);
  EXPECT_TRUE(t.ok());
  return t.ok() ? std::move(t.value()) : nullptr;
}

std::vector<MediaFrame> pushAll(Transcoder& t, const std::vector<MediaFrame>& in) {
  std::vector<MediaFrame> out;
  for (const auto& f : in) EXPECT_TRUE(t.push(f, out).ok());
  return out;
}

void expectSteps(const std::vector<MediaFrame>& out, int64_t stepUs) {
  for (size_t i = 1; i < out.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(out[i].ptsUs - out[i - 1].ptsUs), static_cast<double>(stepUs), 1.0)
        << "at " << i;
  }
}

TEST(AudioTranscoderTest, Aac44kStereoToOpus) {
  const auto in = testing::encodeSine(MediaCodec::kAac, 44'100, 2, 1000);
  ASSERT_GE(in.size(), 40u);
  auto t = make(MediaCodec::kAac, MediaCodec::kOpus);
  const auto out = pushAll(*t, in);
  // ~1 s of audio in 20 ms packets, less what the resampler and FIFO still hold.
  EXPECT_GE(out.size(), 45u);
  // Opus's 6.5 ms of lookahead: packets are stamped that much earlier, so decoded audio
  // lands at its input's time.
  EXPECT_NEAR(static_cast<double>(out.front().ptsUs), static_cast<double>(in.front().ptsUs - 6'500), 1'000.0);
  expectSteps(out, 20'000);
  for (const auto& f : out) {
    EXPECT_EQ(f.codec, MediaCodec::kOpus);
    EXPECT_TRUE(f.keyframe);
    EXPECT_TRUE(f.config.empty());
  }
  const auto decoded = testing::decodeAudio(out, MediaCodec::kOpus);
  EXPECT_EQ(decoded.errors, 0);
  EXPECT_EQ(decoded.sampleRate, 48'000);
  EXPECT_EQ(decoded.frames, static_cast<int>(out.size()));
  EXPECT_GT(decoded.energy, 0.01);
}

TEST(AudioTranscoderTest, OpusToAac48kAnd44k) {
  const auto in = testing::encodeSine(MediaCodec::kOpus, 48'000, 2, 1000);
  ASSERT_GE(in.size(), 45u);
  for (int rate : {48'000, 44'100}) {
    auto t = make(MediaCodec::kOpus, MediaCodec::kAac, rate);
    const auto out = pushAll(*t, in);
    ASSERT_GE(out.size(), 35u) << rate;
    for (const auto& f : out) {
      EXPECT_EQ(f.codec, MediaCodec::kAac);
      EXPECT_FALSE(f.config.empty());
    }
    expectSteps(out, int64_t{1024} * 1'000'000 / rate);
    const auto decoded = testing::decodeAudio(out, MediaCodec::kAac);
    EXPECT_EQ(decoded.errors, 0) << rate;
    EXPECT_EQ(decoded.sampleRate, rate);
    EXPECT_EQ(decoded.channels, 2);
    EXPECT_GT(decoded.energy, 0.01) << rate;
  }
}

// An audio-only stream's timed metadata keeps its place through Opus → AAC: once, on the
// first AAC frame made after it, within an AAC frame or two of its own time.
TEST(AudioTranscoderTest, MetadataGoesOnTheNextFrameOut) {
  auto in = testing::encodeSine(MediaCodec::kOpus, 48'000, 2, 1000);
  ASSERT_GE(in.size(), 30u);
  const std::string line = "verse";
  in[25].metadata.push_back(std::make_shared<const std::vector<uint8_t>>(line.begin(), line.end()));
  auto t = make(MediaCodec::kOpus, MediaCodec::kAac);
  const auto out = pushAll(*t, in);
  int carried = 0;
  for (const auto& f : out) {
    if (f.metadata.empty()) continue;
    ++carried;
    EXPECT_EQ(std::string(f.metadata[0]->begin(), f.metadata[0]->end()), line);
    EXPECT_NEAR(static_cast<double>(f.ptsUs), static_cast<double>(in[25].ptsUs), 60'000.0);
  }
  EXPECT_EQ(carried, 1);
}

TEST(AudioTranscoderTest, StereoToMono) {
  const auto in = testing::encodeSine(MediaCodec::kOpus, 48'000, 2, 500);
  auto t = make(MediaCodec::kOpus, MediaCodec::kAac, 48'000, 1);
  const auto out = pushAll(*t, in);
  const auto decoded = testing::decodeAudio(out, MediaCodec::kAac);
  EXPECT_EQ(decoded.channels, 1);
  EXPECT_GT(decoded.energy, 0.01);
}

TEST(AudioTranscoderTest, MonoAacToStereoOpus) {
  const auto in = testing::encodeSine(MediaCodec::kAac, 48'000, 1, 500);
  auto t = make(MediaCodec::kAac, MediaCodec::kOpus);
  const auto out = pushAll(*t, in);
  ASSERT_GE(out.size(), 20u);
  const auto decoded = testing::decodeAudio(out, MediaCodec::kOpus);
  EXPECT_EQ(decoded.errors, 0);
  EXPECT_GT(decoded.energy, 0.01);
}

TEST(AudioTranscoderTest, GapReanchorsAndTimeNeverGoesBack) {
  const auto first = testing::encodeSine(MediaCodec::kAac, 44'100, 2, 500);
  const auto later = testing::encodeSine(MediaCodec::kAac, 44'100, 2, 500, 5'000'000);
  const auto earlier = testing::encodeSine(MediaCodec::kAac, 44'100, 2, 500, 1'000'000);
  auto t = make(MediaCodec::kAac, MediaCodec::kOpus);
  auto out = pushAll(*t, first);
  const size_t beforeGap = out.size();
  for (const auto& f : pushAll(*t, later)) out.push_back(f);
  for (const auto& f : pushAll(*t, earlier)) out.push_back(f);
  ASSERT_GT(out.size(), beforeGap + 20);
  bool jumped = false;
  for (size_t i = 1; i < out.size(); ++i) {
    const int64_t step = out[i].ptsUs - out[i - 1].ptsUs;
    EXPECT_GT(step, 0) << "at " << i;
    if (step > 1'000'000) jumped = true;
  }
  EXPECT_TRUE(jumped);
  // After the gap, time follows the input again (within what the FIFO holds).
  EXPECT_NEAR(static_cast<double>(out[beforeGap + 1].ptsUs), 5'000'000.0, 60'000.0);
}

TEST(AudioTranscoderTest, AacBeforeItsConfigIsRefusedUntilItComes) {
  auto in = testing::encodeSine(MediaCodec::kAac, 44'100, 2, 200);
  auto t = make(MediaCodec::kAac, MediaCodec::kOpus);
  std::vector<MediaFrame> out;
  MediaFrame bare = in[0];
  bare.config.clear();
  const Status s = t->push(bare, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::Code::kState);
  // Config only on the first frame, as FLV gives it: the rest still decode.
  for (size_t i = 1; i < in.size(); ++i) in[i].config.clear();
  for (const auto& f : in) EXPECT_TRUE(t->push(f, out).ok());
  EXPECT_GE(out.size(), 5u);
}

}  // namespace
}  // namespace rtcgate::codec
