// AVCDecoderConfigurationRecord, AudioSpecificConfig and NAL unit stream tests.
#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"
#include "wire/rtmp/aac_config.h"
#include "wire/rtmp/avc_config.h"
#include "wire/rtmp/nal_units.h"

namespace rtcgate::wire::rtmp {
namespace {

using rtcgate::test::hexBytes;

TEST(AvcConfig, ParsesAndRebuildsRecord) {
  const auto record = hexBytes("01 64001f ff e1 0005 6764001fac 01 0004 68ee3c80");
  auto c = AvcConfig::parse(record);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->profile, 0x64);
  EXPECT_EQ(c->level, 0x1f);
  EXPECT_EQ(c->nalLengthSize, 4);
  ASSERT_EQ(c->spsCount, 1);
  ASSERT_EQ(c->ppsCount, 1);
  EXPECT_EQ(std::vector<uint8_t>(c->sps[0].begin(), c->sps[0].end()), hexBytes("6764001fac"));
  std::vector<uint8_t> out(c->size());
  ASSERT_TRUE(c->serializeTo(out).ok());
  EXPECT_EQ(out, record);
  rtcgate::test::expectEveryTruncationRejected(record, [](auto s) { return AvcConfig::parse(s); });

  const auto sps = hexBytes("6764001fac");
  const auto pps = hexBytes("68ee3c80");
  auto built = AvcConfig::fromParameterSets(sps, pps);  // borrows sps and pps
  ASSERT_TRUE(built.ok());
  std::vector<uint8_t> out2(built->size());
  ASSERT_TRUE(built->serializeTo(out2).ok());
  EXPECT_EQ(out2, record);
  EXPECT_FALSE(AvcConfig::fromParameterSets(hexBytes("68ee3c80"), hexBytes("68ee")).ok());
  // High-profile trailing fields are tolerated.
  auto trailing = record;
  trailing.insert(trailing.end(), {0xfd, 0xf8, 0xf8, 0x00});
  EXPECT_TRUE(AvcConfig::parse(trailing).ok());
  EXPECT_FALSE(AvcConfig::parse(hexBytes("02 64001f ff e0 00")).ok());
  EXPECT_FALSE(AvcConfig::parse(hexBytes("01 64001f fe e0 00")).ok());  // length size 3
}

TEST(AacConfig, ParsesCommonAndEscapedForms) {
  // ISO/IEC 14496-3 §1.6.2.1: AAC-LC (2), 44.1 kHz (index 4), stereo = 0x1210.
  auto lc = AacConfig::parse(hexBytes("1210"));
  ASSERT_TRUE(lc.ok());
  EXPECT_EQ(lc->objectType, 2);
  EXPECT_EQ(lc->sampleRate, 44100u);
  EXPECT_EQ(lc->channelConfig, 2);
  auto lc48 = AacConfig::parse(hexBytes("1190"));
  ASSERT_TRUE(lc48.ok());
  EXPECT_EQ(lc48->sampleRate, 48000u);
  // Object type 31 escape: 32 + 10 = 42.
  auto esc = AacConfig::parse(hexBytes("f94840"));
  ASSERT_TRUE(esc.ok());
  EXPECT_EQ(esc->objectType, 42);
  EXPECT_EQ(esc->sampleRate, 44100u);
  EXPECT_EQ(esc->channelConfig, 2);
  EXPECT_FALSE(AacConfig::parse(hexBytes("1690")).ok());  // reserved index 13
  rtcgate::test::expectEveryTruncationRejected(hexBytes("1210"), [](auto s) { return AacConfig::parse(s); });
}

TEST(AacConfig, SerializesAndRoundTrips) {
  std::array<uint8_t, 8> out{};
  AacConfig c;
  auto n = c.serializeTo(out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + 2), hexBytes("1210"));
  c.sampleRateIndex = 15;
  c.sampleRate = 37800;
  c.channelConfig = 1;
  n = c.serializeTo(out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 5u);
  auto back = AacConfig::parse(std::span(out).first(*n));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sampleRate, 37800u);
  EXPECT_EQ(back->channelConfig, 1);
  c.objectType = 42;
  EXPECT_FALSE(c.serializeTo(out).ok());
}

TEST(NalUnits, AnnexBToAvccAndBack) {
  // 4-byte and 3-byte start codes, a zero_byte before the next start code.
  const auto annexB = hexBytes("00000001 6742 000001 68ce 00 00000001 65aabb");
  const auto avcc = hexBytes("00000002 6742 00000002 68ce 00000003 65aabb");
  EXPECT_EQ(avccSizeOfAnnexB(annexB), avcc.size());
  std::vector<uint8_t> out(avcc.size());
  auto n = annexBToAvcc(annexB, out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(out, avcc);
  std::vector<uint8_t> back(avcc.size() * 4);
  auto m = avccToAnnexB(avcc, 4, back);
  ASSERT_TRUE(m.ok());
  back.resize(*m);
  EXPECT_EQ(back, hexBytes("00000001 6742 00000001 68ce 00000001 65aabb"));
  std::vector<uint8_t> tooSmall(3);
  EXPECT_FALSE(annexBToAvcc(annexB, tooSmall).ok());
}

TEST(NalUnits, AvccIteratorLengthSizesAndErrors) {
  std::span<const uint8_t> nal;
  const auto two = hexBytes("0002 6742 0001 68");
  AvccIterator it(two, 2);
  ASSERT_TRUE(*it.next(nal));
  EXPECT_EQ(nal.size(), 2u);
  ASSERT_TRUE(*it.next(nal));
  EXPECT_EQ(nal.size(), 1u);
  EXPECT_FALSE(*it.next(nal));
  const auto overrun = hexBytes("00000009 6742");
  AvccIterator bad(overrun, 4);
  EXPECT_FALSE(bad.next(nal).ok());
  const auto cut = hexBytes("0000");
  AvccIterator shortPrefix(cut, 4);
  EXPECT_FALSE(shortPrefix.next(nal).ok());
  AvccIterator wrongSize(two, 3);
  EXPECT_FALSE(wrongSize.next(nal).ok());
}

TEST(NalUnits, AnnexBEdgeCases) {
  std::span<const uint8_t> nal;
  const auto none = hexBytes("6742aa");
  wire::payload::AnnexBReader a(none);
  EXPECT_FALSE(a.next(nal));
  const auto empties = hexBytes("000001 000001 000000 01 09f0");
  wire::payload::AnnexBReader b(empties);
  ASSERT_TRUE(b.next(nal));
  EXPECT_EQ(std::vector<uint8_t>(nal.begin(), nal.end()), hexBytes("09f0"));
  EXPECT_FALSE(b.next(nal));
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
