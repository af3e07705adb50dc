#include "wire/rtcp/compound.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/remb.h"
#include "wire/rtcp/sdes.h"
#include "wire/rtcp/sender_report.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

std::vector<RtcpPacketRef> walk(std::span<const uint8_t> data, bool* failed = nullptr) {
  std::vector<RtcpPacketRef> refs;
  CompoundIterator it(data);
  RtcpPacketRef r;
  while (it.next(r)) refs.push_back(r);
  if (failed) *failed = it.failed();
  return refs;
}

TEST(Compound, BuildsAndIteratesSrSdes) {
  SenderReport sr;
  sr.senderSsrc = 0x11223344;
  sr.ntpTime = 0x0102030405060708;
  ASSERT_TRUE(sr.reports.add(ReportBlock{0x55667788, 1, 2, 3, 4, 5, 6}));
  Sdes sdes;
  ASSERT_TRUE(sdes.addCname(0x11223344, "rtcgate-cname"));
  std::array<uint8_t, 200> buf{};
  CompoundBuilder b(buf);
  ASSERT_TRUE(b.append(sr));
  ASSERT_TRUE(b.append(sdes));
  EXPECT_EQ(b.size(), sr.size() + sdes.size());
  auto n = validateCompound(b.data());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
  const auto refs = walk(b.data());
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].kind(), RtcpKind::kSr);
  EXPECT_EQ(refs[1].kind(), RtcpKind::kSdes);
  auto back = SenderReport::parse(refs[0].packet);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ntpTime, sr.ntpTime);
  EXPECT_EQ(back->reports.blocks[0].cumulativeLost, 2);
  EXPECT_EQ(Sdes::parse(refs[1].packet)->chunks[0].cname(), "rtcgate-cname");
}

TEST(Compound, BuilderRefusesWhatDoesNotFit) {
  ReceiverReport rr;
  std::array<uint8_t, 12> buf{};
  CompoundBuilder b(buf);
  ASSERT_TRUE(b.append(rr));
  EXPECT_FALSE(b.append(rr));
  EXPECT_EQ(b.size(), 8u);
}

TEST(Compound, ClassifiesKindsAndSkipsUnknownTypes) {
  struct Case {
    std::string_view hex;
    RtcpKind kind;
  };
  const Case cases[] = {
      {"80c80006 00000001 00000000 00000000 00000000 00000000 00000000", RtcpKind::kSr},
      {"80c90001 00000001", RtcpKind::kRr},
      {"81cb0001 00000001", RtcpKind::kBye},
      {"80cc0002 00000001 41424344", RtcpKind::kApp},
      {"81cd0003 00000001 00000002 00640000", RtcpKind::kNack},
      {"8fcd0005 00000001 00000002 00000001 00000000 20010a00", RtcpKind::kTransportCc},
      {"83cd0002 00000001 00000002", RtcpKind::kUnknown},  // RTPFB FMT 3 (TMMBR)
      {"81ce0002 00000001 00000002", RtcpKind::kPli},
      {"84ce0004 00000001 00000000 00000002 01000000", RtcpKind::kFir},
      {"8fce0005 00000001 00000000 52454d42 01000100 00000002", RtcpKind::kRemb},
      {"8fce0003 00000001 00000000 41424344", RtcpKind::kUnknown},  // other AFB
      {"80cf0001 00000001", RtcpKind::kXr},
      {"80d20001 00000001", RtcpKind::kUnknown},  // PT 210
  };
  std::vector<uint8_t> all;
  for (const auto& c : cases) {
    const auto bytes = hexBytes(c.hex);
    bool failedOne = true;
    const auto refs = walk(bytes, &failedOne);
    EXPECT_FALSE(failedOne) << c.hex;
    ASSERT_EQ(refs.size(), 1u) << c.hex;
    EXPECT_EQ(refs[0].kind(), c.kind) << c.hex;
    all.insert(all.end(), bytes.begin(), bytes.end());
  }
  // The same packets back to back form one compound; unknown ones do not stop the walk.
  bool failed = true;
  const auto refs = walk(all, &failed);
  EXPECT_FALSE(failed);
  ASSERT_EQ(refs.size(), std::size(cases));
  for (size_t i = 0; i < refs.size(); ++i) EXPECT_EQ(refs[i].kind(), cases[i].kind) << i;
}

TEST(Compound, AcceptsReducedSizeFeedback) {
  // RFC 5506: a lone PLI without a leading SR/RR.
  const auto pli = hexBytes("81ce0002 00000001 00000002");
  auto n = validateCompound(pli);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
}

TEST(Compound, RejectsBadSubPacketsWithReason) {
  struct Case {
    const char* name;
    std::string_view hex;
  };
  const Case cases[] = {
      {"empty", ""},
      {"second length overruns", "80c90001 00000001 80c90005 00000001"},
      {"second bad version", "80c90001 00000001 40c90001 00000001"},
      {"trailing garbage", "80c90001 00000001 80"},
  };
  for (const auto& c : cases) {
    const auto bytes = fromHex(c.hex);
    auto n = validateCompound(bytes);
    ASSERT_FALSE(n.ok()) << c.name;
    EXPECT_NE(std::string_view(n.error().message), "") << c.name;
  }
}

TEST(Compound, EveryTruncationRejectedUnlessOnABoundary) {
  // A typical browser compound: RR + SDES + NACK + REMB.
  ReceiverReport rr;
  rr.senderSsrc = 1;
  ASSERT_TRUE(rr.reports.add(ReportBlock{2}));
  Sdes sdes;
  ASSERT_TRUE(sdes.addCname(1, "abcdefgh"));
  Nack nack;
  nack.senderSsrc = 1;
  nack.mediaSsrc = 2;
  const std::vector<uint16_t> lost = {10, 12, 40};
  ASSERT_TRUE(nack.setLost(lost));
  Remb remb;
  remb.senderSsrc = 1;
  remb.bitrateBps = 2'500'000;
  ASSERT_TRUE(remb.addSsrc(2));
  std::array<uint8_t, 256> buf{};
  CompoundBuilder b(buf);
  ASSERT_TRUE(b.append(rr) && b.append(sdes) && b.append(nack) && b.append(remb));
  const auto whole = b.data();
  std::vector<size_t> boundaries = {0};
  for (size_t s : {rr.size(), sdes.size(), nack.size(), remb.size()})
    boundaries.push_back(boundaries.back() + s);
  for (size_t len = 1; len < whole.size(); ++len) {
    std::vector<uint8_t> prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(len));
    const bool boundary = std::find(boundaries.begin(), boundaries.end(), len) != boundaries.end();
    EXPECT_EQ(validateCompound(prefix).ok(), boundary) << len;
  }
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
