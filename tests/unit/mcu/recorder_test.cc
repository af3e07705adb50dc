// The recorder's state machine with real codecs and real files: VP8 + Opus to WebM, H.264 +
// AAC to fragmented MP4, a publisher that reconnects continues the same file, a full disk
// and a codec change fail the recording with a reason, one kind alone is recorded after
// waiting for the other.
#include "mcu/recorder.h"

#include <gtest/gtest.h>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/samplefmt.h>
}

#include <cstring>
#include <filesystem>

#include "codec/audio_encoder.h"
#include "codec/video_encoder.h"

namespace rtcgate::mcu {
namespace {

using media::MediaCodec;
using media::MediaFrame;

// `seconds` of frames (30 fps video, 20/23 ms audio) of `video` and/or `audio`, pts from 0,
// in the order a stream would deliver them.
std::vector<MediaFrame> frames(std::optional<MediaCodec> video, std::optional<MediaCodec> audio, double seconds) {
  std::vector<MediaFrame> out;
  if (video) {
    codec::TranscodeSpec spec;
    spec.to = *video;
    auto enc = codec::VideoEncoder::create(spec, 160, 120, 30);
    EXPECT_TRUE(enc.ok());
    codec::FramePtr pic(av_frame_alloc());
    pic->format = AV_PIX_FMT_YUV420P;
    pic->width = 160;
    pic->height = 120;
    av_frame_get_buffer(pic.get(), 0);
    for (int i = 0; i < seconds * 30; ++i) {
      av_frame_make_writable(pic.get());
      for (int p = 0; p < 3; ++p)
        std::memset(pic->data[p], p == 0 ? (i * 7) % 255 : 128, static_cast<size_t>(pic->linesize[p] * (p ? 60 : 120)));
      EXPECT_TRUE((*enc)->encode(pic.get(), i * 33'333, false, out).ok());
    }
  }
  if (audio) {
    codec::TranscodeSpec spec;
    spec.from = MediaCodec::kOpus;
    spec.to = *audio;
    spec.channels = 2;
    auto enc = codec::AudioEncoder::create(spec);
    EXPECT_TRUE(enc.ok());
    codec::FramePtr pcm(av_frame_alloc());
    pcm->format = (*enc)->format();
    pcm->sample_rate = 48000;
    pcm->nb_samples = (*enc)->frameSize();
    av_channel_layout_copy(&pcm->ch_layout, &(*enc)->layout());
    av_frame_get_buffer(pcm.get(), 0);
    av_samples_set_silence(pcm->data, 0, pcm->nb_samples, pcm->ch_layout.nb_channels,
                           static_cast<AVSampleFormat>(pcm->format));
    const int64_t stepUs = int64_t{pcm->nb_samples} * 1'000'000 / 48000;
    for (int64_t t = 0; t < seconds * 1'000'000; t += stepUs) {
      av_frame_make_writable(pcm.get());
      EXPECT_TRUE((*enc)->encode(pcm.get(), t, out).ok());
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const MediaFrame& a, const MediaFrame& b) { return a.dtsUs < b.dtsUs; });
  return out;
}

struct Probe {
  std::vector<std::string> codecs;
  double seconds = 0;
  int packets = 0;
  bool readError = false;
};

// What libavformat reads back from `path`, every packet.
Probe probe(const std::string& path) {
  Probe p;
  AVFormatContext* ctx = nullptr;
  if (avformat_open_input(&ctx, path.c_str(), nullptr, nullptr) < 0) return p;
  avformat_find_stream_info(ctx, nullptr);
  for (unsigned i = 0; i < ctx->nb_streams; ++i) p.codecs.push_back(avcodec_get_name(ctx->streams[i]->codecpar->codec_id));
  AVPacket* pkt = av_packet_alloc();
  int64_t lastUs = 0;
  for (;;) {
    const int err = av_read_frame(ctx, pkt);
    if (err == AVERROR_EOF) break;
    if (err < 0) {
      p.readError = true;
      break;
    }
    ++p.packets;
    const AVStream* st = ctx->streams[pkt->stream_index];
    if (pkt->pts != AV_NOPTS_VALUE) lastUs = std::max(lastUs, av_rescale_q(pkt->pts, st->time_base, {1, 1'000'000}));
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
  avformat_close_input(&ctx);
  p.seconds = static_cast<double>(lastUs) / 1e6;
  return p;
}

class RecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("rtcgate-recorder-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string base(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(RecorderTest, Vp8AndOpusGoToWebm) {
  Recorder r(base("a"));
  EXPECT_EQ(r.info().state, RecordingState::kStarting);
  for (const auto& f : frames(MediaCodec::kVp8, MediaCodec::kOpus, 2)) r.push(f);
  EXPECT_EQ(r.info().state, RecordingState::kRecording);
  r.stop();
  EXPECT_EQ(r.info().state, RecordingState::kStopped) << r.info().error;
  EXPECT_EQ(r.info().path, base("a") + ".webm");
  const Probe p = probe(r.info().path);
  EXPECT_EQ(p.codecs, (std::vector<std::string>{"vp8", "opus"}));
  EXPECT_NEAR(p.seconds, 2.0, 0.1);
  EXPECT_FALSE(p.readError);
  EXPECT_GT(r.info().bytes, 1000u);
}

TEST_F(RecorderTest, H264AndAacGoToFragmentedMp4ThatReadsWithoutItsEnd) {
  Recorder r(base("b"));
  for (const auto& f : frames(MediaCodec::kH264, MediaCodec::kAac, 3)) r.push(f);
  ASSERT_EQ(r.info().state, RecordingState::kRecording) << r.info().error;
  // Read before the trailer: the fragments written so far are a playable file.
  const Probe partial = probe(r.info().path);
  EXPECT_EQ(partial.codecs, (std::vector<std::string>{"h264", "aac"}));
  EXPECT_GT(partial.seconds, 1.0);
  r.stop();
  const Probe p = probe(r.info().path);
  EXPECT_EQ(r.info().path, base("b") + ".mp4");
  EXPECT_NEAR(p.seconds, 3.0, 0.15);
  EXPECT_FALSE(p.readError);
}

TEST_F(RecorderTest, H264AndOpusGoToMp4) {  // a mix's codecs
  Recorder r(base("m"));
  for (const auto& f : frames(MediaCodec::kH264, MediaCodec::kOpus, 2)) r.push(f);
  r.stop();
  EXPECT_EQ(r.info().state, RecordingState::kStopped) << r.info().error;
  const Probe p = probe(r.info().path);
  EXPECT_EQ(p.codecs, (std::vector<std::string>{"h264", "opus"}));
  EXPECT_NEAR(p.seconds, 2.0, 0.15);
}

TEST_F(RecorderTest, APublisherThatReconnectsContinuesTheFile) {
  Recorder r(base("c"));
  for (const auto& f : frames(MediaCodec::kVp8, MediaCodec::kOpus, 1)) r.push(f);
  r.sourceEnded();
  EXPECT_EQ(r.info().state, RecordingState::kPaused);
  for (const auto& f : frames(MediaCodec::kVp8, MediaCodec::kOpus, 1)) r.push(f);  // its clock starts over
  EXPECT_EQ(r.info().state, RecordingState::kRecording);
  EXPECT_EQ(r.info().segments, 2u);
  r.stop();
  const Probe p = probe(r.info().path);
  EXPECT_NEAR(p.seconds, 2.0, 0.15);
  EXPECT_FALSE(p.readError);
}

TEST_F(RecorderTest, AFullDiskFailsTheRecordingWithTheReason) {
  // /dev/full takes the header into its buffer and fails every write with ENOSPC.
  RecordingFile file;
  std::string why;
  TrackFormat vp8{MediaCodec::kVp8, 160, 120, 0, 0, {}};
  Status opened = file.open("/dev/full", Container::kWebm, vp8, std::nullopt, why);
  if (opened.ok()) {
    Status wrote{};
    for (const auto& f : frames(MediaCodec::kVp8, std::nullopt, 2))
      if (!(wrote = file.write(f, f.ptsUs, f.dtsUs, why)).ok()) break;
    if (wrote.ok()) wrote = file.close(why);
    EXPECT_FALSE(wrote.ok());
  }
  EXPECT_NE(why.find("No space left"), std::string::npos) << why;
  // Through the recorder: a path it cannot create fails it with the reason.
  Recorder missing((dir_ / "no-such-dir" / "x").string());
  for (const auto& f : frames(MediaCodec::kVp8, MediaCodec::kOpus, 1)) missing.push(f);
  EXPECT_EQ(missing.info().state, RecordingState::kFailed);
  EXPECT_NE(missing.info().error.find("cannot create"), std::string::npos) << missing.info().error;
}

TEST_F(RecorderTest, ACodecChangeFailsTheRecordingAndKeepsTheFile) {
  Recorder r(base("d"));
  for (const auto& f : frames(MediaCodec::kVp8, MediaCodec::kOpus, 1)) r.push(f);
  r.sourceEnded();
  for (const auto& f : frames(MediaCodec::kH264, MediaCodec::kOpus, 1)) r.push(f);
  EXPECT_EQ(r.info().state, RecordingState::kFailed);
  EXPECT_NE(r.info().error.find("codec changed"), std::string::npos) << r.info().error;
  EXPECT_NEAR(probe(r.info().path).seconds, 1.0, 0.15);
}

TEST_F(RecorderTest, OneKindAloneIsRecordedAfterWaitingForTheOther) {
  Recorder r(base("e"));
  const auto audio = frames(std::nullopt, MediaCodec::kOpus, 4);
  size_t i = 0;
  for (; i < audio.size() && r.info().state == RecordingState::kStarting; ++i) r.push(audio[i]);
  EXPECT_EQ(r.info().state, RecordingState::kRecording);
  EXPECT_GE(audio[i - 1].ptsUs - audio[0].ptsUs, Recorder::kWaitForTracksUs);
  for (; i < audio.size(); ++i) r.push(audio[i]);
  r.stop();
  const Probe p = probe(r.info().path);
  EXPECT_EQ(p.codecs, (std::vector<std::string>{"opus"}));
  EXPECT_NEAR(p.seconds, 4.0, 0.1);
  EXPECT_STREQ(stateName(r.info().state), "stopped");
}

}  // namespace
}  // namespace rtcgate::mcu
