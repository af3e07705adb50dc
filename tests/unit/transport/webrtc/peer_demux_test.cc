#include "transport/webrtc/peer_demux.h"

#include <gtest/gtest.h>

#include <array>

#include "wire/stun/builder.h"

namespace rtcgate::transport::webrtc {
namespace {

struct Sink : DatagramSink {
  int got = 0;
  void onDatagram(PacketRef, const SocketAddress&) override { ++got; }
};

PacketRef bindingRequest(PacketPool& pool, std::string_view username) {
  std::array<uint8_t, 256> buf{};
  wire::stun::TransactionId tid{};
  wire::stun::StunBuilder b(buf, static_cast<uint16_t>(wire::stun::StunMethod::kBinding), wire::stun::StunClass::kRequest, tid);
  b.addUsername(username);
  b.addFingerprint();
  auto bytes = b.finish();
  EXPECT_TRUE(bytes.ok());
  return pool.copyOf(*bytes);
}

TEST(PeerDemux, RoutesFirstStunByUfragThenByAddress) {
  PacketPool pool(16);
  PeerDemux demux;
  Sink a, b;
  demux.addUfrag("ufragA", a);
  demux.addUfrag("ufragB", b);
  const auto from = *SocketAddress::parse("127.0.0.1", 5000);
  demux.route(bindingRequest(pool, "ufragB:remote"), from);
  EXPECT_EQ(b.got, 1);
  EXPECT_EQ(a.got, 0);
  // Media from an address nobody bound is dropped and counted.
  const std::array<uint8_t, 12> rtp{0x80, 96};
  demux.route(pool.copyOf(rtp), from);
  EXPECT_EQ(demux.drops().get(DropReason::kUnknownSource), 1u);
  demux.bindAddress(from, a);
  demux.route(pool.copyOf(rtp), from);
  EXPECT_EQ(a.got, 1);
  // Unknown ufrag: dropped.
  demux.route(bindingRequest(pool, "nobody:x"), *SocketAddress::parse("127.0.0.1", 5001));
  EXPECT_EQ(demux.drops().get(DropReason::kUnknownSource), 2u);
  demux.removeSink(a);
  EXPECT_EQ(demux.addressCount(), 0u);
  EXPECT_EQ(demux.ufragCount(), 1u);
}

TEST(PeerDemux, StunWithoutUsernameIsCountedAsBadStun) {
  PacketPool pool(4);
  PeerDemux demux;
  std::array<uint8_t, 64> buf{};
  wire::stun::TransactionId tid{};
  wire::stun::StunBuilder b(buf, static_cast<uint16_t>(wire::stun::StunMethod::kBinding), wire::stun::StunClass::kRequest, tid);
  auto bytes = b.finish();
  ASSERT_TRUE(bytes.ok());
  demux.route(pool.copyOf(*bytes), *SocketAddress::parse("127.0.0.1", 1));
  EXPECT_EQ(demux.drops().get(DropReason::kBadStun), 1u);
}

}  // namespace
}  // namespace rtcgate::transport::webrtc
