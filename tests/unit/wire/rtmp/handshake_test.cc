#include "wire/rtmp/handshake.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/byte_reader.h"

namespace rtcgate::wire::rtmp {
namespace {

std::vector<uint8_t> drain(Handshake& h) {
  auto out = h.output();
  std::vector<uint8_t> v(out.begin(), out.end());
  h.consumeOutput(v.size());
  return v;
}

const std::vector<uint8_t> kClientRandom = {1, 2, 3, 4, 5};
const std::vector<uint8_t> kServerRandom = {9, 8, 7};

TEST(Handshake, ClientAndServerCompleteWithEachOther) {
  Handshake client(Handshake::Role::kClient, 1000, kClientRandom);
  Handshake server(Handshake::Role::kServer, 2000, kServerRandom);
  auto c0c1 = drain(client);
  ASSERT_EQ(c0c1.size(), 1 + Handshake::kPacketSize);
  EXPECT_EQ(c0c1[0], 3);
  EXPECT_EQ(loadU32(&c0c1[1]), 1000u);  // §5.2.3 time
  EXPECT_EQ(loadU32(&c0c1[5]), 0u);     // §5.2.3 zero
  EXPECT_EQ(c0c1[9], 1);
  EXPECT_TRUE(drain(server).empty());

  auto used = server.feed(c0c1);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, c0c1.size());
  auto s012 = drain(server);
  ASSERT_EQ(s012.size(), 1 + 2 * Handshake::kPacketSize);
  EXPECT_EQ(s012[0], 3);
  EXPECT_EQ(loadU32(&s012[1]), 2000u);
  // S2 echoes C1.
  EXPECT_TRUE(std::equal(c0c1.begin() + 1, c0c1.end(), s012.begin() + 1 + Handshake::kPacketSize));
  EXPECT_EQ(server.peerEpoch(), 1000u);

  // Split S0+S1+S2 oddly; the client finishes and emits C2 = S1.
  ASSERT_TRUE(client.feed(std::span(s012).first(700)).ok());
  EXPECT_FALSE(client.done());
  ASSERT_TRUE(client.feed(std::span(s012).subspan(700)).ok());
  EXPECT_TRUE(client.done());
  auto c2 = drain(client);
  ASSERT_EQ(c2.size(), Handshake::kPacketSize);
  EXPECT_TRUE(std::equal(c2.begin(), c2.end(), s012.begin() + 1));

  // The server accepts C2 and leaves the chunk bytes that follow it unconsumed.
  c2.push_back(0x03);
  auto tail = server.feed(c2);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, Handshake::kPacketSize);
  EXPECT_TRUE(server.done());
}

TEST(Handshake, ServerAcceptsAnyC2AndByteByByteInput) {
  Handshake server(Handshake::Role::kServer, 0, {});
  std::vector<uint8_t> input(1 + 2 * Handshake::kPacketSize, 0xAB);  // digest-style C1, junk C2
  input[0] = 3;
  for (uint8_t b : input) {
    auto used = server.feed(std::span(&b, 1));
    ASSERT_TRUE(used.ok());
    EXPECT_EQ(*used, 1u);
  }
  EXPECT_TRUE(server.done());
  EXPECT_EQ(server.output().size(), 1 + 2 * Handshake::kPacketSize);
}

TEST(Handshake, RejectsOtherVersionsArrivingWithMoreBytes) {
  Handshake server(Handshake::Role::kServer, 0, {});
  const std::vector<uint8_t> http{'G', 'E', 'T', ' ', '/'};
  auto r = server.feed(http);
  ASSERT_FALSE(r.ok());
  EXPECT_STREQ(r.error().message, "rtmp version is not 3");
  EXPECT_TRUE(server.output().empty());
}

TEST(Handshake, RejectsOtherVersions) {
  for (uint8_t version : {0, 6, 0x47 /* 'G' of an HTTP request */}) {
    Handshake server(Handshake::Role::kServer, 0, {});
    auto r = server.feed(std::span(&version, 1));
    ASSERT_FALSE(r.ok());
    EXPECT_STREQ(r.error().message, "rtmp version is not 3");
    EXPECT_EQ(server.state(), Handshake::State::kFailed);
    EXPECT_FALSE(server.feed(std::span(&version, 1)).ok());
  }
  Handshake client(Handshake::Role::kClient, 0, {});
  uint8_t bad = 8;
  EXPECT_FALSE(client.feed(std::span(&bad, 1)).ok());
}

TEST(Handshake, PartialOutputConsumption) {
  Handshake client(Handshake::Role::kClient, 0, {});
  EXPECT_EQ(client.output().size(), 1537u);
  client.consumeOutput(1000);
  EXPECT_EQ(client.output().size(), 537u);
  client.consumeOutput(5000);
  EXPECT_TRUE(client.output().empty());
}

}  // namespace
}  // namespace rtcgate::wire::rtmp
