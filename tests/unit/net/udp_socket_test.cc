#include "net/udp_socket.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtcgate::net {
namespace {

struct Collector : UdpSocketListener {
  std::vector<std::vector<uint8_t>> got;
  SocketAddress lastFrom;
  EventLoop* loop = nullptr;
  size_t stopAfter = 0;
  void onDatagram(PacketRef p, const SocketAddress& from) override {
    got.emplace_back(p->data(), p->data() + p->size);
    lastFrom = from;
    if (got.size() == stopAfter) loop->context().stop();
  }
};

TEST(UdpSocket, BatchedSendAndReceiveOnLoopback) {
  EventLoop loop("test");
  PacketPool pool(256);
  Collector rx, tx;
  rx.loop = &loop;
  rx.stopAfter = 100;
  UdpSocket a(loop, pool, rx), b(loop, pool, tx);
  ASSERT_TRUE(a.open(*SocketAddress::parse("127.0.0.1", 0)).ok());
  ASSERT_TRUE(b.open(*SocketAddress::parse("127.0.0.1", 0)).ok());
  ASSERT_NE(a.localAddress().port(), 0);
  for (uint8_t i = 0; i < 100; ++i) {
    std::vector<uint8_t> payload(10 + i, i);
    b.sendCopy(payload, a.localAddress());
  }
  Timer guard(loop);
  guard.startUs(5'000'000, [&] { loop.context().stop(); });
  loop.runHere();
  ASSERT_EQ(rx.got.size(), 100u);
  EXPECT_EQ(rx.got[42].size(), 52u);
  EXPECT_EQ(rx.got[42][0], 42);
  EXPECT_EQ(rx.lastFrom, b.localAddress());
  EXPECT_EQ(b.stats().packetsOut, 100u);
  EXPECT_LT(b.stats().sendBatches, 100u);  // batched, not one syscall per datagram
}

TEST(UdpSocket, BindFailureIsAnError) {
  EventLoop loop("test");
  PacketPool pool(64);
  Collector c;
  UdpSocket a(loop, pool, c), b(loop, pool, c);
  ASSERT_TRUE(a.open(*SocketAddress::parse("127.0.0.1", 0)).ok());
  EXPECT_FALSE(b.open(a.localAddress()).ok());
}

}  // namespace
}  // namespace rtcgate::net
