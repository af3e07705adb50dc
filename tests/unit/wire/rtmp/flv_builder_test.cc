#include "wire/rtmp/flv_builder.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"
#include "wire/rtmp/flv_tag.h"

namespace rtcgate::wire::rtmp {
namespace {

using rtcgate::test::hexBytes;

template <typename F>
std::vector<uint8_t> build(size_t capacity, F f) {
  std::vector<uint8_t> out(capacity);
  auto n = f(std::span<uint8_t>(out));
  EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
  out.resize(n.ok() ? *n : 0);
  return out;
}

TEST(FlvBuilder, AvcSequenceHeaderAndFrames) {
  const auto sps = hexBytes("6764001fac");
  const auto pps = hexBytes("68ee3c80");
  EXPECT_EQ(build(64, [&](auto out) { return writeAvcSequenceHeader(sps, pps, out); }),
            hexBytes("17 00 000000 0164001fffe1 0005 6764001fac 01 0004 68ee3c80"));
  const auto avcc = hexBytes("00000002 6588");
  EXPECT_EQ(build(64, [&](auto out) { return writeAvcFrame(false, -40, avcc, out); }),
            hexBytes("27 01 ffffd8 00000002 6588"));
  const auto annexB = hexBytes("00000001 09f0 000001 6588");
  EXPECT_EQ(build(64, [&](auto out) { return writeAvcFrameFromAnnexB(true, 80, annexB, out); }),
            hexBytes("17 01 000050 00000002 09f0 00000002 6588"));
  std::vector<uint8_t> tiny(8);
  EXPECT_FALSE(writeAvcSequenceHeader(sps, pps, tiny).ok());
  EXPECT_FALSE(writeAvcFrameFromAnnexB(true, 0, annexB, tiny).ok());
  EXPECT_FALSE(writeAvcFrame(true, 0, avcc, std::span(tiny).first(3)).ok());
}

TEST(FlvBuilder, AacSequenceHeaderAndFrames) {
  EXPECT_EQ(build(16, [](auto out) { return writeAacSequenceHeader(AacConfig{}, out); }),
            hexBytes("af 00 1210"));
  const auto raw = hexBytes("211c");
  EXPECT_EQ(build(16, [&](auto out) { return writeAacFrame(raw, out); }), hexBytes("af 01 211c"));
  std::vector<uint8_t> tiny(1);
  EXPECT_FALSE(writeAacSequenceHeader(AacConfig{}, tiny).ok());
  // What was built parses back as the same kind of tag.
  const auto tag = build(16, [](auto out) { return writeAacSequenceHeader(AacConfig{}, out); });
  auto parsed = AudioTag::parse(tag);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->kind, PacketKind::kSequenceHeader);
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
