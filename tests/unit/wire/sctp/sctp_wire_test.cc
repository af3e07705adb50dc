// SCTP wire codecs: CRC32c, packets, INIT, DATA, SACK, FORWARD TSN, RE-CONFIG and DCEP
// round-trips, and every truncation refused.
#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "wire/sctp/crc32c.h"
#include "wire/sctp/data_chunk.h"
#include "wire/sctp/dcep.h"
#include "wire/sctp/forward_tsn_chunk.h"
#include "wire/sctp/init_chunk.h"
#include "wire/sctp/packet.h"
#include "wire/sctp/reconfig_chunk.h"
#include "wire/sctp/sack_chunk.h"

namespace rtcgate::wire::sctp {
namespace {

std::span<const uint8_t> bytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

TEST(SctpWireTest, Crc32cCheckValue) {
  // The CRC-32C check value (RFC 3720 B.4 family; "123456789").
  EXPECT_EQ(crc32c(bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32cExtend(crc32c(bytes("1234")), bytes("56789")), 0xE3069283u);
  std::array<uint8_t, 32> zeros{};
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);  // RFC 3720 B.4: 32 bytes of zeros
}

TEST(SctpWireTest, PacketRoundTripAndChecksum) {
  std::array<uint8_t, 256> buf{};
  PacketWriter w(buf, 5000, 5001, 0x11223344);
  DataChunk d;
  d.tsn = 7;
  d.streamId = 3;
  d.ssn = 9;
  d.ppid = 51;
  d.flags = DataChunk::kBeginning | DataChunk::kEnding;
  d.payload = bytes("hello");
  ASSERT_TRUE(d.writeTo(w));
  ASSERT_TRUE(w.beginChunk(ChunkType::kCookieAck, 0) && w.endChunk());
  auto packet = w.seal();
  ASSERT_EQ(packet.size(), 12u + 24 + 4);
  auto p = PacketView::parse(packet);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->sourcePort, 5000);
  EXPECT_EQ(p->destinationPort, 5001);
  EXPECT_EQ(p->verificationTag, 0x11223344u);
  ASSERT_EQ(p->chunkCount, 2u);
  auto back = DataChunk::parse(p->chunks[0]);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->tsn, 7u);
  EXPECT_EQ(back->streamId, 3);
  EXPECT_EQ(back->ssn, 9);
  EXPECT_EQ(back->ppid, 51u);
  EXPECT_TRUE(back->beginning() && back->ending() && !back->unordered());
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(back->payload.data()), back->payload.size()), "hello");
  EXPECT_EQ(p->chunks[1].type, static_cast<uint8_t>(ChunkType::kCookieAck));

  std::vector<uint8_t> copy(packet.begin(), packet.end());
  copy[20] ^= 1;
  EXPECT_FALSE(PacketView::parse(copy).ok()) << "a flipped bit fails the checksum";
  for (size_t n = 0; n < packet.size(); ++n) {
    std::vector<uint8_t> cut(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(PacketView::parse(cut).ok()) << n;
  }
}

TEST(SctpWireTest, InitCarriesExtensionsAndCookie) {
  InitChunk init;
  init.initiateTag = 0xABCDEF01;
  init.advertisedWindow = 131072;
  init.outboundStreams = 1024;
  init.inboundStreams = 1024;
  init.initialTsn = 12345;
  init.forwardTsn = true;
  init.reconfig = true;
  const std::array<uint8_t, 5> cookie{1, 2, 3, 4, 5};
  init.cookie = cookie;
  std::array<uint8_t, 256> buf{};
  PacketWriter w(buf, 5000, 5000, 0);
  ASSERT_TRUE(init.writeTo(w, ChunkType::kInitAck));
  auto p = PacketView::parse(w.seal());
  ASSERT_TRUE(p.ok());
  auto back = InitChunk::parse(p->chunks[0].value);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->initiateTag, init.initiateTag);
  EXPECT_EQ(back->initialTsn, 12345u);
  EXPECT_TRUE(back->forwardTsn);
  EXPECT_TRUE(back->reconfig);
  ASSERT_EQ(back->cookie.size(), 5u);
  EXPECT_EQ(back->cookie[4], 5);
  for (size_t n = 0; n < 16; ++n) EXPECT_FALSE(InitChunk::parse(p->chunks[0].value.first(n)).ok()) << n;
}

TEST(SctpWireTest, SackGapBlocks) {
  SackChunk s;
  s.cumulativeTsnAck = 100;
  s.advertisedWindow = 5000;
  s.gaps[0] = {2, 3};
  s.gaps[1] = {6, 6};
  s.gapCount = 2;
  std::array<uint8_t, 128> buf{};
  PacketWriter w(buf, 1, 2, 3);
  ASSERT_TRUE(s.writeTo(w));
  auto p = PacketView::parse(w.seal());
  ASSERT_TRUE(p.ok());
  auto back = SackChunk::parse(p->chunks[0].value);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->cumulativeTsnAck, 100u);
  ASSERT_EQ(back->gapCount, 2u);
  EXPECT_EQ(back->gaps[1], (GapBlock{6, 6}));
  // A block that ends before it starts is refused.
  std::vector<uint8_t> bad(p->chunks[0].value.begin(), p->chunks[0].value.end());
  bad[12] = 0, bad[13] = 9;  // start 9 > end 3
  EXPECT_FALSE(SackChunk::parse(bad).ok());
}

TEST(SctpWireTest, ForwardTsnAndReconfig) {
  ForwardTsnChunk f;
  f.newCumulativeTsn = 77;
  f.streams[0] = {4, 12};
  f.streamCount = 1;
  std::array<uint8_t, 128> buf{};
  PacketWriter w(buf, 1, 2, 3);
  ASSERT_TRUE(f.writeTo(w));
  ReconfigChunk r;
  r.params[0].type = ReconfigParam::kOutgoingReset;
  r.params[0].requestSeq = 10;
  r.params[0].responseSeq = 9;
  r.params[0].lastTsn = 76;
  r.params[0].streams[0] = 4;
  r.params[0].streamCount = 1;
  r.paramCount = 1;
  ASSERT_TRUE(r.writeTo(w));
  auto p = PacketView::parse(w.seal());
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->chunkCount, 2u);
  auto fb = ForwardTsnChunk::parse(p->chunks[0].value);
  ASSERT_TRUE(fb.ok());
  EXPECT_EQ(fb->newCumulativeTsn, 77u);
  EXPECT_EQ(fb->streams[0], (SkippedStream{4, 12}));
  auto rb = ReconfigChunk::parse(p->chunks[1].value);
  ASSERT_TRUE(rb.ok()) << rb.error().message;
  EXPECT_EQ(rb->params[0].lastTsn, 76u);
  ASSERT_EQ(rb->params[0].streamCount, 1u);
  EXPECT_EQ(rb->params[0].streams[0], 4);
}

TEST(SctpWireTest, DcepOpenRoundTripAndLimits) {
  DcepOpen o;
  o.reliability.type = ChannelReliability::kRexmit | ChannelReliability::kUnorderedBit;
  o.reliability.parameter = 3;
  o.label = "metadata";
  o.protocol = "json";
  const auto bytes = o.serialize();
  auto back = DcepOpen::parse(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->label, "metadata");
  EXPECT_EQ(back->protocol, "json");
  EXPECT_FALSE(back->reliability.ordered());
  EXPECT_TRUE(back->reliability.limitedRetransmits());
  EXPECT_EQ(back->reliability.parameter, 3u);
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(DcepOpen::parse(std::span<const uint8_t>(bytes).first(n)).ok()) << n;
  auto type = dcepTypeOf(std::vector<uint8_t>{0x02});
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(*type, DcepType::kAck);
  EXPECT_FALSE(dcepTypeOf(std::vector<uint8_t>{0x09}).ok());
}

}  // namespace
}  // namespace rtcgate::wire::sctp
