#include "media/flv_metadata.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtcgate::media {
namespace {

TEST(FlvMetadata, DescribesBothTracks) {
  FlvVideoInfo video;
  video.width = 1920;
  video.height = 1080;
  video.frameRate = 25;
  FlvAudioInfo audio{MediaCodec::kAac, 44100, 2};
  const auto meta = buildFlvMetadata(video, audio);
  EXPECT_EQ(meta.type(), wire::rtmp::Amf0Value::Type::kEcmaArray);
  auto number = [&](const char* key) {
    const auto* v = meta.find(key);
    EXPECT_TRUE(v != nullptr) << key;
    return v ? v->asNumber(-1) : -1;
  };
  EXPECT_EQ(number("width"), 1920);
  EXPECT_EQ(number("height"), 1080);
  EXPECT_EQ(number("framerate"), 25);
  EXPECT_EQ(number("videocodecid"), 7);
  EXPECT_EQ(number("audiocodecid"), 10);
  EXPECT_EQ(number("audiosamplerate"), 44100);
  EXPECT_EQ(number("audiochannels"), 2);
  ASSERT_TRUE(meta.find("stereo"));
  EXPECT_TRUE(meta.find("stereo")->asBool());
}

TEST(FlvMetadata, LeavesOutWhatIsUnknown) {
  FlvAudioInfo mono{MediaCodec::kAac, 48000, 1};
  auto meta = buildFlvMetadata(std::nullopt, mono);
  EXPECT_FALSE(meta.find("width"));
  EXPECT_FALSE(meta.find("videocodecid"));
  EXPECT_FALSE(meta.find("stereo")->asBool(true));
  meta = buildFlvMetadata(FlvVideoInfo{}, std::nullopt);  // H.264, size and rate unknown
  EXPECT_FALSE(meta.find("width"));
  EXPECT_FALSE(meta.find("framerate"));
  EXPECT_EQ(meta.find("videocodecid")->asNumber(), 7);
  EXPECT_FALSE(meta.find("audiocodecid"));
  // Round-trips through AMF0.
  std::vector<uint8_t> encoded;
  wire::rtmp::encodeAmf0(meta, encoded);
  auto decoded = wire::rtmp::decodeAmf0All(encoded);
  ASSERT_TRUE(decoded.ok());
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ((*decoded)[0], meta);
}

}  // namespace
}  // namespace rtcgate::media
