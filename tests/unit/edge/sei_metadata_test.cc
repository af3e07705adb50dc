#include "edge/sei_metadata.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "media/annex_b.h"

namespace rtcgate::edge {
namespace {

media::MediaFrame frameWith(const std::vector<std::vector<uint8_t>>& payloads, const media::SeiUuid& uuid) {
  media::MediaFrame f;
  f.codec = media::MediaCodec::kH264;
  for (const auto& p : payloads) media::appendNal(f.data, media::writeSeiUserData(uuid, p));
  media::appendNal(f.data, std::vector<uint8_t>{0x65, 0x88, 0x84, 0x00});  // an IDR slice
  return f;
}

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(SeiMetadata, JsonTextAndBinaryPayloads) {
  SeiMetadataReader reader;
  std::vector<std::string> out;
  reader.read(frameWith({bytes(R"({"line":"one"})"), bytes(std::string("two\0", 4)), {0xff, 0x00, 0x10}},
                        media::kRtcgateSeiUuid),
              out);
  ASSERT_EQ(out.size(), 3u);
  const auto a = nlohmann::json::parse(out[0]), b = nlohmann::json::parse(out[1]), c = nlohmann::json::parse(out[2]);
  EXPECT_EQ(a["type"], "sei");
  EXPECT_EQ(a["uuid"], "7c1e5b42-930d-4e61-a82f-6b3c91d405e7");
  EXPECT_EQ(a["data"], (nlohmann::json{{"line", "one"}}));
  EXPECT_EQ(b["data"], "two");  // a trailing NUL is not text
  EXPECT_EQ(c["data"], "/wAQ");
  EXPECT_EQ(c["encoding"], "base64");
}

TEST(SeiMetadata, X264VersionAndOtherCodecsYieldNothing) {
  SeiMetadataReader reader;
  std::vector<std::string> out;
  reader.read(frameWith({bytes("x264 - core 164")}, media::kX264SeiUuid), out);
  EXPECT_TRUE(out.empty());
  media::MediaFrame vp8 = frameWith({bytes("hello")}, media::kRtcgateSeiUuid);
  vp8.codec = media::MediaCodec::kVp8;
  reader.read(vp8, out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace rtcgate::edge
