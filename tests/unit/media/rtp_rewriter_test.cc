#include "media/rtp_rewriter.h"

#include <gtest/gtest.h>

namespace rtcgate::media {
namespace {

constexpr uint32_t kVideoRate = 90000;

// One rewrite, as (accepted, seq, ts).
struct Out {
  bool ok;
  uint16_t seq;
  uint32_t ts;
};

Out rewrite(RtpRewriter& r, uint16_t seq, uint32_t ts, int64_t nowUs) {
  Out o{false, 0, 0};
  o.ok = r.rewrite(seq, ts, nowUs, o.seq, o.ts);
  return o;
}

TEST(RtpRewriterTest, FirstSourceStartsAtInitialValuesWithFixedOffset) {
  RtpRewriter r(0x5555, kVideoRate, 1000, 5000);
  EXPECT_EQ(r.ssrc(), 0x5555u);
  Out a = rewrite(r, 40000, 123456, 0);
  EXPECT_TRUE(a.ok);
  EXPECT_EQ(a.seq, 1000);
  EXPECT_EQ(a.ts, 5000u);
  Out b = rewrite(r, 40001, 123456 + 3000, 33'000);
  EXPECT_EQ(b.seq, 1001);
  EXPECT_EQ(b.ts, 8000u);
}

TEST(RtpRewriterTest, GapsAndReorderingWithinASourcePassThrough) {
  RtpRewriter r(1, kVideoRate, 1000, 0);
  rewrite(r, 10, 0, 0);
  Out gap = rewrite(r, 13, 900, 10'000);
  EXPECT_EQ(gap.seq, 1003);  // two lost packets stay lost: the subscriber NACKs them
  Out late = rewrite(r, 12, 900, 11'000);
  EXPECT_TRUE(late.ok);
  EXPECT_EQ(late.seq, 1002);
  EXPECT_EQ(r.lastOutputSeq(), 1003);
  EXPECT_EQ(r.outputToSource(1001), uint16_t{11});
}

TEST(RtpRewriterTest, SwitchContinuesSequenceAndClock) {
  RtpRewriter r(1, kVideoRate, 1000, 5000);
  rewrite(r, 40000, 100, 0);
  rewrite(r, 40001, 3100, 33'000);
  r.switchSource(40'000, 7);
  Out n = rewrite(r, 7, 999, 66'000);  // new layer, unrelated numbering
  EXPECT_TRUE(n.ok);
  EXPECT_EQ(n.seq, 1002);
  EXPECT_EQ(n.ts, 5000u + 3000u + 33u * 90u);  // 33 ms of wall time since the last packet
  Out m = rewrite(r, 8, 999 + 3000, 99'000);
  EXPECT_EQ(m.seq, 1003);
  EXPECT_EQ(m.ts, n.ts + 3000);
}

TEST(RtpRewriterTest, PacketsFromBeforeTheSwitchAreDropped) {
  RtpRewriter r(1, kVideoRate);
  rewrite(r, 500, 0, 0);
  r.switchSource(1000);
  EXPECT_TRUE(rewrite(r, 20, 0, 2000).ok);
  EXPECT_FALSE(rewrite(r, 19, 0, 3000).ok);  // older than the new source's first packet
  EXPECT_EQ(r.lastOutputSeq(), 1);
}

TEST(RtpRewriterTest, SwitchWithoutElapsedTimeStillAdvancesTimestamp) {
  RtpRewriter r(1, kVideoRate, 0, 100);
  rewrite(r, 1, 7, 5000);
  r.switchSource(5000);
  Out o = rewrite(r, 900, 4242, 5000);
  EXPECT_EQ(o.ts, 101u);
}

TEST(RtpRewriterTest, ReverseMapNamesTheRightSource) {
  RtpRewriter r(1, kVideoRate, 100, 0);
  for (uint16_t s = 0; s < 5; ++s) rewrite(r, uint16_t(3000 + s), 0, 0);  // out 100..104
  r.switchSource(0, 0xB);
  for (uint16_t s = 0; s < 5; ++s) rewrite(r, uint16_t(9000 + s), 0, 1000);  // out 105..109
  EXPECT_EQ(r.outputToSource(107), uint16_t{9002});
  EXPECT_FALSE(r.outputToSource(102).has_value());  // produced by the previous source
  EXPECT_FALSE(r.outputToSource(110).has_value());  // not sent yet
  auto prev = r.outputToAnySource(102);
  ASSERT_TRUE(prev.has_value());
  EXPECT_EQ(prev->seq, 3002);
  EXPECT_EQ(prev->sourceTag, 0u);
  auto cur = r.outputToAnySource(105);
  ASSERT_TRUE(cur.has_value());
  EXPECT_EQ(cur->seq, 9000);
  EXPECT_EQ(cur->sourceTag, 0xBu);
  EXPECT_FALSE(r.outputToAnySource(99).has_value());
}

TEST(RtpRewriterTest, OldSegmentsAreForgotten) {
  RtpRewriter r(1, kVideoRate, 0, 0);
  for (uint32_t src = 0; src < RtpRewriter::kSegments + 1; ++src) {
    r.switchSource(0, src);
    rewrite(r, uint16_t(src * 1000), 0, 0);  // out seq == src
  }
  EXPECT_FALSE(r.outputToAnySource(0).has_value());
  EXPECT_EQ(r.outputToAnySource(1)->sourceTag, 1u);
}

TEST(RtpRewriterTest, WrapsInSourceAndOutput) {
  RtpRewriter r(1, kVideoRate, 65534, 0xfffffff0u);
  Out a = rewrite(r, 65535, 0xffffff00u, 0);
  Out b = rewrite(r, 0, 0xffffff00u + 3000, 33'000);
  Out c = rewrite(r, 1, 0xffffff00u + 6000, 66'000);
  EXPECT_EQ(a.seq, 65534);
  EXPECT_EQ(b.seq, 65535);
  EXPECT_EQ(c.seq, 0);
  EXPECT_EQ(b.ts, 0xfffffff0u + 3000u);  // wrapped
  EXPECT_EQ(r.outputToSource(0), uint16_t{1});
  Out late = rewrite(r, 65535, 0, 70'000);  // reordered across the wrap, still this source
  EXPECT_TRUE(late.ok);
  EXPECT_EQ(late.seq, 65534);
}

}  // namespace
}  // namespace rtcgate::media
