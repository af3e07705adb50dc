#include "wire/rtp/rtx.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::wire::rtp {
namespace {

using test::hexBytes;

TEST(Rtx, WrapsWithOsnAndRecoversTheOriginal) {
  // Original: PT 96, seq 0x1234, SSRC 0x11223344, one extension, 3-byte payload, 2 padding.
  const auto original = hexBytes("b0e01234 00000064 11223344 bede0001 310005 00 aabbcc 0002");
  auto rtxLen = rtxSize(original);
  ASSERT_TRUE(rtxLen.ok());
  std::vector<uint8_t> rtx(*rtxLen);
  auto n = buildRtx(original, RtxParams{0x55667788, 97, 9}, rtx);
  ASSERT_TRUE(n.ok()) << n.error().message;
  // RFC 4588 §4: same header apart from SSRC/PT/seq, padding dropped, OSN first.
  EXPECT_EQ(rtx, hexBytes("90e10009 00000064 55667788 bede0001 310005 00 1234 aabbcc"));

  std::vector<uint8_t> back(rtx.size());
  auto m = recoverFromRtx(rtx, OriginalParams{0x11223344, 96}, back);
  ASSERT_TRUE(m.ok());
  back.resize(*m);
  EXPECT_EQ(back, hexBytes("90e01234 00000064 11223344 bede0001 310005 00 aabbcc"));
}

TEST(Rtx, RecoversInPlace) {
  auto rtx = hexBytes("80610009 00000064 55667788 0007 0102");
  auto m = recoverFromRtx(rtx, OriginalParams{1, 96}, rtx);
  ASSERT_TRUE(m.ok());
  rtx.resize(*m);
  EXPECT_EQ(rtx, hexBytes("80600007 00000064 00000001 0102"));
}

TEST(Rtx, RejectsBadInput) {
  const auto noOsn = hexBytes("80610009 00000064 55667788 00");
  std::vector<uint8_t> out(64);
  EXPECT_FALSE(recoverFromRtx(noOsn, OriginalParams{1, 96}, out).ok());
  const auto original = hexBytes("80600001 00000000 00000001 aabb");
  std::vector<uint8_t> small(15);
  EXPECT_EQ(buildRtx(original, RtxParams{2, 97, 1}, small).error().code, Error::Code::kNoSpace);
  EXPECT_FALSE(buildRtx(hexBytes("8060"), RtxParams{}, out).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtp
