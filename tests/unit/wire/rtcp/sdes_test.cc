#include "wire/rtcp/sdes.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/wire/wire_test_util.h"

namespace rtcgate::wire::rtcp {
namespace {

using test::hexBytes;

TEST(Sdes, ParsesCnameChunk) {
  // One chunk: SSRC, CNAME "abcd", null item, one pad byte.
  const auto bytes = hexBytes("81ca0003 11223344 0104 61626364 0000");
  auto s = Sdes::parse(bytes);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->count, 1);
  EXPECT_EQ(s->chunks[0].ssrc, 0x11223344u);
  EXPECT_EQ(s->chunks[0].cname(), "abcd");
  std::vector<uint8_t> out(s->size());
  ASSERT_TRUE(s->serializeTo(out).ok());
  EXPECT_EQ(out, bytes);
  test::expectEveryTruncationRejected(bytes, [](auto b) { return Sdes::parse(b); });
}

TEST(Sdes, ParsesAllItemsOfSeveralChunks) {
  Sdes s;
  ASSERT_TRUE(s.addCname(1, "user@host"));
  SdesChunk* c = s.addChunk(2);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->addItem(SdesType::kCname, "x"));
  ASSERT_TRUE(c->addItem(SdesType::kTool, "rtcgate"));
  ASSERT_TRUE(c->addItem(SdesType::kNote, ""));
  std::vector<uint8_t> out(s.size());
  ASSERT_TRUE(s.serializeTo(out).ok());
  EXPECT_EQ(out.size() % 4, 0u);
  auto back = Sdes::parse(out);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->count, 2);
  EXPECT_EQ(back->chunks[0].cname(), "user@host");
  ASSERT_EQ(back->chunks[1].itemCount, 3);
  EXPECT_EQ(back->chunks[1].items[1].type, static_cast<uint8_t>(SdesType::kTool));
  EXPECT_EQ(back->chunks[1].items[1].text(), "rtcgate");
  EXPECT_TRUE(back->chunks[1].items[2].text().empty());
  test::expectEveryTruncationRejected(out, [](auto b) { return Sdes::parse(b); });
}

TEST(Sdes, ChunkAlignedExactlyNeedsFullNullWord) {
  // SSRC + CNAME of 2 bytes = 8 bytes, so the null item takes a whole extra word.
  Sdes s;
  ASSERT_TRUE(s.addCname(7, "ab"));
  EXPECT_EQ(s.size(), 4u + 12u);
  std::vector<uint8_t> out(s.size());
  ASSERT_TRUE(s.serializeTo(out).ok());
  EXPECT_EQ(out, hexBytes("81ca0003 00000007 01026162 00000000"));
}

TEST(Sdes, RejectsItemOverrunAndMissingTerminator) {
  EXPECT_FALSE(Sdes::parse(hexBytes("81ca0002 11223344 0109 6162")).ok());
  EXPECT_FALSE(Sdes::parse(hexBytes("81ca0002 11223344 01026162")).ok());
}

}  // namespace
}  // namespace rtcgate::wire::rtcp
