#include "media/twcc_recorder.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <vector>

#include "wire/rtcp/compound.h"
#include "wire/rtcp/transport_feedback.h"

namespace rtcgate::media {
namespace {

using wire::rtcp::TwccPacketStatus;

constexpr uint32_t kSender = 1;
constexpr uint32_t kMedia = 2;

// Everything a feedback datagram reports, parsed back with the wire codec.
struct Parsed {
  std::vector<TwccPacketStatus> statuses;
  std::vector<uint8_t> fbCounts;
};

Parsed parseAll(std::span<const uint8_t> bytes) {
  Parsed p;
  wire::rtcp::CompoundIterator it(bytes);
  wire::rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    EXPECT_EQ(ref.kind(), wire::rtcp::RtcpKind::kTransportCc);
    auto fb = wire::rtcp::TransportFeedback::parse(ref.packet);
    EXPECT_TRUE(fb.ok());
    if (!fb.ok()) break;
    EXPECT_EQ(fb->senderSsrc(), kSender);
    EXPECT_EQ(fb->mediaSsrc(), kMedia);
    p.fbCounts.push_back(fb->feedbackCount());
    auto packets = fb->packets();
    TwccPacketStatus s;
    while (packets.next(s)) p.statuses.push_back(s);
  }
  EXPECT_FALSE(it.failed());
  return p;
}

class TwccRecorderTest : public ::testing::Test {
 protected:
  Parsed build(int64_t nowUs) {
    const size_t n = rec_.buildFeedback(kSender, kMedia, nowUs, buf_);
    return parseAll(std::span<const uint8_t>(buf_.data(), n));
  }
  TwccRecorder rec_;
  std::array<uint8_t, 16384> buf_{};
};

TEST_F(TwccRecorderTest, ReportsArrivalsAt250usResolution) {
  const int64_t t0 = 5'000'123;
  for (int i = 0; i < 10; ++i) rec_.onPacket(uint16_t(100 + i), t0 + i * 1000 + (i % 3) * 250);
  Parsed p = build(t0 + 50'000);
  ASSERT_EQ(p.statuses.size(), 10u);
  ASSERT_EQ(p.fbCounts, (std::vector<uint8_t>{0}));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(p.statuses[i].seq, 100 + i);
    EXPECT_TRUE(p.statuses[i].received);
    EXPECT_LE(std::llabs(p.statuses[i].arrivalUs - (t0 + i * 1000 + (i % 3) * 250)), 125) << i;
  }
}

TEST_F(TwccRecorderTest, MissingPacketsReportedAsNotReceived) {
  for (uint16_t s : {0, 1, 4, 5}) rec_.onPacket(s, 1'000'000 + s * 1000);
  Parsed p = build(1'100'000);
  ASSERT_EQ(p.statuses.size(), 6u);
  EXPECT_TRUE(p.statuses[1].received);
  EXPECT_FALSE(p.statuses[2].received);
  EXPECT_FALSE(p.statuses[3].received);
  EXPECT_TRUE(p.statuses[4].received);
}

TEST_F(TwccRecorderTest, ReorderedPacketsKeepTheirArrivalTimes) {
  rec_.onPacket(0, 1'000'000);
  rec_.onPacket(2, 1'001'000);
  rec_.onPacket(1, 1'002'000);  // arrives after 2: negative delta
  rec_.onPacket(3, 1'003'000);
  Parsed p = build(1'050'000);
  ASSERT_EQ(p.statuses.size(), 4u);
  for (const auto& s : p.statuses) EXPECT_TRUE(s.received);
  EXPECT_EQ(p.statuses[1].arrivalUs - p.statuses[0].arrivalUs, 2000);
  EXPECT_EQ(p.statuses[2].arrivalUs - p.statuses[0].arrivalUs, 1000);
}

TEST_F(TwccRecorderTest, WrapsAroundSequenceSpace) {
  for (uint16_t s : {uint16_t{65534}, uint16_t{65535}, uint16_t{0}, uint16_t{1}}) rec_.onPacket(s, 2'000'000);
  Parsed p = build(2'050'000);
  ASSERT_EQ(p.statuses.size(), 4u);
  EXPECT_EQ(p.statuses[0].seq, 65534);
  EXPECT_EQ(p.statuses[3].seq, 1);
}

TEST_F(TwccRecorderTest, EachFeedbackCoversOnlyWhatIsNew) {
  rec_.onPacket(10, 1'000'000);
  rec_.onPacket(11, 1'001'000);
  Parsed first = build(1'050'000);
  EXPECT_EQ(first.statuses.size(), 2u);
  EXPECT_EQ(rec_.buildFeedback(kSender, kMedia, 1'100'000, buf_), 0u);  // nothing new
  EXPECT_EQ(rec_.nextFeedbackDueUs(), 1'150'000);
  rec_.onPacket(13, 1'120'000);
  Parsed second = build(1'150'000);
  ASSERT_EQ(second.statuses.size(), 2u);
  EXPECT_EQ(second.statuses[0].seq, 12);
  EXPECT_FALSE(second.statuses[0].received);
  EXPECT_EQ(second.fbCounts, (std::vector<uint8_t>{1}));
  rec_.onPacket(12, 1'160'000);  // too late: already reported lost
  EXPECT_EQ(rec_.counters().lateArrivals, 1u);
  EXPECT_FALSE(rec_.hasPending());
}

TEST_F(TwccRecorderTest, ManyPacketsSplitIntoSeveralFeedbacks) {
  for (int i = 0; i < 2000; ++i) rec_.onPacket(uint16_t(60000 + i), 1'000'000 + i * 100);
  Parsed p = build(1'300'000);
  ASSERT_EQ(p.statuses.size(), 2000u);
  EXPECT_EQ(p.fbCounts, (std::vector<uint8_t>{0, 1}));
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(p.statuses[i].seq, uint16_t(60000 + i));
    EXPECT_LE(std::llabs(p.statuses[i].arrivalUs - (1'000'000 + i * 100)), 125);
  }
}

TEST_F(TwccRecorderTest, LongSilenceBetweenArrivalsStartsANewFeedback) {
  rec_.onPacket(1, 1'000'000);
  rec_.onPacket(2, 11'000'000);  // 10 s later: does not fit a 16-bit delta
  Parsed p = build(11'050'000);
  ASSERT_EQ(p.statuses.size(), 2u);
  EXPECT_EQ(p.fbCounts.size(), 2u);
  EXPECT_EQ(p.statuses[1].arrivalUs - p.statuses[0].arrivalUs, 10'000'000);
}

TEST_F(TwccRecorderTest, WhatDoesNotFitWaitsForTheNextCall) {
  rec_.onPacket(1, 1'000'000);
  std::array<uint8_t, 8> tiny{};
  EXPECT_EQ(rec_.buildFeedback(kSender, kMedia, 1'050'000, tiny), 0u);
  EXPECT_TRUE(rec_.hasPending());
  Parsed p = build(1'100'000);
  ASSERT_EQ(p.statuses.size(), 1u);
  EXPECT_EQ(p.fbCounts, (std::vector<uint8_t>{0}));
}

TEST_F(TwccRecorderTest, HugeJumpForgetsOnlyWhatLeftTheWindow) {
  rec_.onPacket(0, 1'000'000);
  rec_.onPacket(30000, 1'001'000);
  Parsed p = build(1'050'000);
  ASSERT_EQ(p.statuses.size(), TwccRecorder::kWindow);
  EXPECT_EQ(p.statuses.back().seq, 30000);
  EXPECT_TRUE(p.statuses.back().received);
}

}  // namespace
}  // namespace rtcgate::media
