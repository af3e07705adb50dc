// The audio mix with its codecs: Opus sources in, Opus out, the full mix carrying every
// tone and a mix-minus without the listener's own; a source that stops holds nothing up.
#include "mcu/audio_mix_engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace rtcgate::mcu {
namespace {

// `seconds` of a sine at `hz` as 20 ms Opus frames (mono), pts from 0.
std::vector<media::MediaFrame> opusTone(double hz, double seconds) {
  codec::TranscodeSpec spec;
  spec.to = media::MediaCodec::kOpus;
  spec.channels = 1;
  auto encoder = codec::AudioEncoder::create(spec);
  EXPECT_TRUE(encoder.ok());
  codec::FramePtr pcm(av_frame_alloc());
  pcm->format = (*encoder)->format();
  pcm->sample_rate = 48000;
  pcm->nb_samples = 960;
  av_channel_layout_copy(&pcm->ch_layout, &(*encoder)->layout());
  av_frame_get_buffer(pcm.get(), 0);
  std::vector<media::MediaFrame> out;
  const int blocks = static_cast<int>(seconds * 50);
  for (int b = 0; b < blocks; ++b) {
    av_frame_make_writable(pcm.get());
    for (int i = 0; i < 960; ++i) {
      const double v = 0.25 * std::sin(2 * std::numbers::pi * hz * (b * 960 + i) / 48000.0);
      if (pcm->format == AV_SAMPLE_FMT_FLT) reinterpret_cast<float*>(pcm->data[0])[i] = static_cast<float>(v);
      else reinterpret_cast<int16_t*>(pcm->data[0])[i] = static_cast<int16_t>(v * 32767);
    }
    EXPECT_TRUE((*encoder)->encode(pcm.get(), b * 20'000, out).ok());
  }
  return out;
}

// The decoded samples of Opus frames (mono).
std::vector<float> decode(const std::vector<media::MediaFrame>& frames) {
  auto decoder = codec::AudioBlockDecoder::create(media::MediaCodec::kOpus, 1);
  EXPECT_TRUE(decoder.ok());
  std::vector<codec::PcmBlock> blocks;
  for (const auto& f : frames) EXPECT_TRUE((*decoder)->push(f, blocks).ok());
  std::vector<float> out;
  for (const auto& b : blocks)
    for (int16_t s : b.samples) out.push_back(static_cast<float>(s) / 32768.0f);
  return out;
}

// Amplitude of `hz` over the last `n` samples.
double level(const std::vector<float>& s, double hz, size_t n = 9600) {
  if (s.size() < n) return -1;
  double re = 0, im = 0;
  for (size_t i = s.size() - n; i < s.size(); ++i) {
    const double w = 2 * std::numbers::pi * hz * static_cast<double>(i) / 48000.0;
    re += s[i] * std::cos(w);
    im += s[i] * std::sin(w);
  }
  return 2 * std::hypot(re, im) / static_cast<double>(n);
}

TEST(AudioMixEngineTest, OpusSourcesMixAndMixMinusLeavesOutTheListener) {
  auto engine = AudioMixEngine::create({});
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  AudioMixEngine& e = **engine;
  const std::map<std::string, double> tones = {{"a", 440}, {"b", 660}, {"c", 990}};
  std::map<std::string, std::vector<media::MediaFrame>> frames;
  for (const auto& [id, hz] : tones) {
    ASSERT_TRUE(e.addSource(id, media::MediaCodec::kOpus).ok());
    frames[id] = opusTone(hz, 1.0);
  }
  ASSERT_TRUE(e.setMixMinus("a", true).ok());
  MixOutput out;
  const int64_t start = 5'000'000;
  for (int k = 0; k < 50; ++k) {
    const int64_t now = start + k * 20'000;
    for (auto& [id, list] : frames) {
      // b arrives with up to 15 ms of jitter; the jitter buffer absorbs it.
      const int64_t arrival = now + (id == "b" ? (k % 4) * 5'000 : 0);
      ASSERT_TRUE(e.push(id, list[static_cast<size_t>(k)], arrival).ok());
    }
    ASSERT_TRUE(e.step(now, out).ok());
  }
  ASSERT_TRUE(e.step(start + 50 * 20'000 + 100'000, out).ok());
  EXPECT_GE(out.full.size(), 50u);
  const auto full = decode(out.full);
  const auto minusA = decode(out.minus.at("a"));
  for (const auto& [id, hz] : tones) {
    EXPECT_GT(level(full, hz), 0.15) << id << " in the full mix";
  }
  EXPECT_LT(level(minusA, 440), 0.02) << "a hears itself";
  EXPECT_GT(level(minusA, 660), 0.15);
  EXPECT_GT(level(minusA, 990), 0.15);
  EXPECT_EQ(e.mixer().droppedLate(), 0u);
}

// A source that stops is left out; the mix goes on at one frame per 20 ms.
TEST(AudioMixEngineTest, ASourceThatStopsDoesNotStopTheMix) {
  auto engine = AudioMixEngine::create({});
  ASSERT_TRUE(engine.ok());
  AudioMixEngine& e = **engine;
  ASSERT_TRUE(e.addSource("steady", media::MediaCodec::kOpus).ok());
  ASSERT_TRUE(e.addSource("stops", media::MediaCodec::kOpus).ok());
  const auto steady = opusTone(500, 2.0), stops = opusTone(1500, 0.5);
  MixOutput out;
  for (int k = 0; k < 100; ++k) {
    const int64_t now = k * 20'000;
    ASSERT_TRUE(e.push("steady", steady[static_cast<size_t>(k)], now).ok());
    if (k < 25) {
      ASSERT_TRUE(e.push("stops", stops[static_cast<size_t>(k)], now).ok());
    }
    ASSERT_TRUE(e.step(now, out).ok());
  }
  EXPECT_GE(out.full.size(), 96u);
  EXPECT_LE(out.full.size(), 101u);
  for (size_t i = 1; i < out.full.size(); ++i) EXPECT_EQ(out.full[i].ptsUs - out.full[i - 1].ptsUs, 20'000);
  const auto mixed = decode(out.full);
  EXPECT_GT(level(mixed, 500), 0.15);
  EXPECT_LT(level(mixed, 1500), 0.02);
}

TEST(AudioMixEngineTest, UnknownSourcesAreRefused) {
  auto engine = AudioMixEngine::create({});
  ASSERT_TRUE(engine.ok());
  media::MediaFrame f;
  f.codec = media::MediaCodec::kOpus;
  EXPECT_FALSE((*engine)->push("nobody", f, 0).ok());
}

// A listener who does not speak gets the full mix; when it starts to speak it stops hearing
// itself. The full mix need not be encoded when nobody plays it.
TEST(AudioMixEngineTest, AListenerWhoIsNoSourceHearsEveryone) {
  auto engine = AudioMixEngine::create({.encodeFull = false});
  ASSERT_TRUE(engine.ok());
  AudioMixEngine& e = **engine;
  ASSERT_TRUE(e.addSource("a", media::MediaCodec::kOpus).ok());
  ASSERT_TRUE(e.setMixMinus("quiet", true).ok());
  ASSERT_TRUE(e.setMixMinus("b", true).ok());
  const auto a = opusTone(440, 1.0), b = opusTone(990, 1.0);
  MixOutput out;
  for (int k = 0; k < 50; ++k) {
    const int64_t now = k * 20'000;
    ASSERT_TRUE(e.push("a", a[static_cast<size_t>(k)], now).ok());
    if (k == 10) {
      ASSERT_TRUE(e.addSource("b", media::MediaCodec::kOpus).ok());
    }
    if (k >= 10) {
      ASSERT_TRUE(e.push("b", b[static_cast<size_t>(k)], now).ok());
    }
    ASSERT_TRUE(e.step(now, out).ok());
  }
  EXPECT_TRUE(out.full.empty());
  const auto quiet = decode(out.minus.at("quiet")), minusB = decode(out.minus.at("b"));
  EXPECT_GT(level(quiet, 440), 0.15);
  EXPECT_GT(level(quiet, 990), 0.15);
  EXPECT_GT(level(minusB, 440), 0.15);
  EXPECT_LT(level(minusB, 990), 0.02) << "b hears itself";
}

// A source is placed to the sample, not to the 20 ms slot it falls in: a sound that starts
// 7 ms into a slot leaves the mix 7 ms into it, where the picture made with it is shown.
TEST(AudioMixEngineTest, ASourceIsPlacedToTheSample) {
  const int64_t epoch = 5'000'000;
  auto engine = AudioMixEngine::create({.epochUs = epoch});
  ASSERT_TRUE(engine.ok());
  AudioMixEngine& e = **engine;
  ASSERT_TRUE(e.addSource("a", media::MediaCodec::kOpus).ok());
  const auto tone = opusTone(1000, 0.5);
  const int64_t begins = epoch + 107'000;  // the tone's first sample on the mix clock
  MixOutput out;
  size_t next = 0;
  for (int64_t now = epoch; now < epoch + 800'000; now += 1'000) {
    // Each frame when its pts says, as the mix runner hands them over.
    while (next < tone.size() && begins + tone[next].ptsUs <= now) {
      ASSERT_TRUE(e.push("a", tone[next], begins + tone[next].ptsUs).ok());
      ++next;
    }
    if (now % 20'000 == 0) {
      ASSERT_TRUE(e.step(now, out).ok());
    }
  }
  auto decoder = codec::AudioBlockDecoder::create(media::MediaCodec::kOpus, 1);
  ASSERT_TRUE(decoder.ok());
  std::vector<codec::PcmBlock> blocks;
  for (const auto& f : out.full) ASSERT_TRUE((*decoder)->push(f, blocks).ok());
  int64_t onsetUs = -1;
  for (const auto& b : blocks) {
    for (size_t i = 0; i < b.samples.size() && onsetUs < 0; ++i) {
      if (std::abs(b.samples[i]) > 0.1 * 32768) onsetUs = b.ptsUs + static_cast<int64_t>(i) * 1'000'000 / 48'000;
    }
    if (onsetUs >= 0) break;
  }
  EXPECT_NEAR(static_cast<double>(onsetUs), 107'000.0, 1'500.0) << "the tone's onset in the mix (µs after its epoch)";
}

}  // namespace
}  // namespace rtcgate::mcu
