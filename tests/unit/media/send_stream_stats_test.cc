#include "media/send_stream_stats.h"

#include <gtest/gtest.h>

namespace rtcgate::media {
namespace {

TEST(SendStreamStatsTest, SenderReportExtrapolatesTimestamp) {
  SendStreamStats s;
  s.onPacketSent(1000, 100, 1'000'000);
  s.onPacketSent(1000, 150, 1'000'000);
  auto sr = s.makeSenderReport(0xabc, 1'500'000, 0x1111222233334444ull, 90000);
  EXPECT_EQ(sr.senderSsrc, 0xabcu);
  EXPECT_EQ(sr.ntpTime, 0x1111222233334444ull);
  EXPECT_EQ(sr.rtpTimestamp, 1000u + 45000u);
  EXPECT_EQ(sr.packetCount, 2u);
  EXPECT_EQ(sr.octetCount, 250u);
  EXPECT_EQ(sr.reports.count, 0);
}

TEST(SendStreamStatsTest, TimestampWrapsAndNothingSentIsZero) {
  SendStreamStats s;
  EXPECT_EQ(s.makeSenderReport(1, 5'000'000, 0, 48000).rtpTimestamp, 0u);
  s.onPacketSent(0xffffff00u, 10, 0);
  EXPECT_EQ(s.makeSenderReport(1, 10'000, 0, 48000).rtpTimestamp, 0xffffff00u + 480u);
}

TEST(SendStreamStatsTest, RttFromReportBlock) {
  SendStreamStats s;
  wire::rtcp::ReportBlock b;
  b.lastSr = 0x10000000;
  b.delaySinceLastSr = 0x8000;  // 0.5 s
  b.fractionLost = 12;
  const uint32_t arrival = 0x10000000 + 0x8000 + 8192;  // 125 ms round trip
  auto rtt = s.onReportBlock(b, uint64_t{arrival} << 16);
  ASSERT_TRUE(rtt.has_value());
  EXPECT_EQ(*rtt, 125);
  EXPECT_EQ(s.rttMs(), 125);
  EXPECT_EQ(s.lastFractionLost(), 12);
}

TEST(SendStreamStatsTest, RttAcrossNtpWrapAndWithoutLsr) {
  SendStreamStats s;
  wire::rtcp::ReportBlock b;
  EXPECT_FALSE(s.onReportBlock(b, 0x123456789ull).has_value());  // no SR seen by the receiver
  b.lastSr = 0xffffff00u;
  b.delaySinceLastSr = 0x100;
  const uint32_t arrival = 0xffffff00u + 0x100 + 65536;  // wraps to 0x10000: 1 s
  EXPECT_EQ(s.onReportBlock(b, uint64_t{arrival} << 16), 1000);
  b.delaySinceLastSr = 0x20000;  // longer than the round trip: inconsistent, ignored
  EXPECT_FALSE(s.onReportBlock(b, uint64_t{arrival} << 16).has_value());
  EXPECT_EQ(s.rttMs(), 1000);
}

}  // namespace
}  // namespace rtcgate::media
