// IceTcpServer over real loopback TCP: a connection becomes a path of a session only after
// its first frame is a binding request for a known ufrag and our agent answered it with
// success; everything else is closed, and every bound (connections per worker, per session,
// time to authenticate, frame size, idle) holds.
#include "cluster/ice_tcp_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "wire/rfc4571/frame.h"
#include "wire/stun/builder.h"

namespace rtcgate::cluster {
namespace {

using namespace std::chrono_literals;

std::vector<uint8_t> stunMessage(wire::stun::StunClass cls, std::string_view username) {
  std::array<uint8_t, 256> buf{};
  wire::stun::TransactionId tid{};
  tid[0] = 7;
  wire::stun::StunBuilder b(buf, static_cast<uint16_t>(wire::stun::StunMethod::kBinding), cls, tid);
  if (!username.empty()) b.addUsername(username);
  b.addFingerprint();
  auto bytes = b.finish();
  EXPECT_TRUE(bytes.ok());
  return {bytes->begin(), bytes->end()};
}

std::vector<uint8_t> framed(std::span<const uint8_t> payload) {
  std::vector<uint8_t> out(wire::rfc4571::kHeaderSize + payload.size());
  EXPECT_TRUE(wire::rfc4571::serializeTo(out, payload).ok());
  return out;
}

// Plays our ICE agent: answers every binding request on the path it came from with a
// success (or, for the ufrag "deny", with nothing), and records the rest.
struct AnsweringSink : transport::webrtc::DatagramSink {
  IceTcpServer* server = nullptr;
  PacketPool* pool = nullptr;
  bool answer = true;
  std::vector<std::vector<uint8_t>> got;
  std::vector<SocketAddress> from;
  void onDatagram(PacketRef p, const SocketAddress& f) override {
    got.emplace_back(p->data(), p->data() + p->size);
    from.push_back(f);
    if (answer && p->size >= 2 && p->data()[0] == 0x00 && p->data()[1] == 0x01) {
      const auto ok = stunMessage(wire::stun::StunClass::kSuccess, "");
      server->send(pool->copyOf(ok), f);
    }
  }
};

// A blocking client socket of the test thread.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(std::span<const uint8_t> bytes) { (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  void sendFrame(std::span<const uint8_t> payload) { send(framed(payload)); }
  // The next frame the server sent, or nullopt on EOF/reset/timeout.
  std::optional<std::vector<uint8_t>> readFrame() {
    for (;;) {
      auto next = reader_.next();
      if (next.status == wire::rfc4571::FrameReader::Status::kFrame)
        return std::vector<uint8_t>(next.payload.begin(), next.payload.end());
      auto room = reader_.writable();
      const ssize_t n = ::recv(fd_, room.data(), room.size(), 0);
      if (n <= 0) return std::nullopt;
      reader_.commit(static_cast<size_t>(n));
    }
  }
  // True once the server closed the connection (EOF or reset) within the receive timeout.
  bool closedByServer() {
    std::array<uint8_t, 256> b{};
    for (;;) {
      const ssize_t n = ::recv(fd_, b.data(), b.size(), 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::array<uint8_t, 4096> rx_{};
  wire::rfc4571::FrameReader reader_{rx_, 4000};
};

class IceTcpServerTest : public ::testing::Test {
 protected:
  // Runs `fn` on the loop thread and waits for its result (the test thread is not the loop's).
  template <typename Fn>
  auto onLoop(Fn fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    loop_.post([&task] { task(); });
    return result.get();
  }
  void start(IceTcpLimits limits = {}) {
    server_ = std::make_unique<IceTcpServer>(loop_, clock_, pool_, demux_, limits);
    ASSERT_TRUE(server_->listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
    sink_.server = server_.get();
    sink_.pool = &pool_;
    demux_.addUfrag("srv1", sink_);
    loop_.start();
  }
  void TearDown() override {
    if (server_) onLoop([&] { server_->close(); });
    loop_.stop();
  }
  IceTcpStats stats() {
    return onLoop([&] { return server_->stats(); });
  }
  uint64_t closed(IceTcpClose r) { return stats().closed[static_cast<size_t>(r)]; }
  uint16_t port() const { return server_->localAddress().port(); }
  // Waits (briefly) until `pred` holds on the loop thread.
  template <typename Pred>
  bool eventually(Pred pred) {
    for (int i = 0; i < 200; ++i) {
      if (onLoop(pred)) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  net::EventLoop loop_{"ice-tcp-test"};
  SteadyClock clock_;
  PacketPool pool_{256};
  transport::webrtc::PeerDemux demux_;
  AnsweringSink sink_;
  std::unique_ptr<IceTcpServer> server_;
};

TEST_F(IceTcpServerTest, ListensTaggedTcp) {
  start();
  EXPECT_TRUE(server_->localAddress().isTcp());
  EXPECT_NE(port(), 0);
}

TEST_F(IceTcpServerTest, AuthenticatedConnectionIsAPathBothWays) {
  start();
  Client c(port());
  ASSERT_TRUE(c.connected());
  c.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
  auto answer = c.readFrame();
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)[1], 0x01);  // binding success, framed back on the same connection
  EXPECT_EQ((*answer)[0], 0x01);
  ASSERT_TRUE(eventually([&] { return server_->stats().pending == 0 && server_->stats().open == 1; }));
  const SocketAddress path = onLoop([&] { return sink_.from.at(0); });
  EXPECT_TRUE(path.isTcp());
  // Once ICE binds the path, media frames from it reach the session; ours reach the peer.
  onLoop([&] {
    demux_.bindAddress(path, sink_);
    return 0;
  });
  const std::vector<uint8_t> rtp = {0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0xde, 0xad};
  c.sendFrame(rtp);
  ASSERT_TRUE(eventually([&] { return sink_.got.size() == 2; }));
  EXPECT_EQ(onLoop([&] { return sink_.got[1]; }), rtp);
  onLoop([&] {
    server_->send(pool_.copyOf(rtp), path);
    return 0;
  });
  EXPECT_EQ(c.readFrame(), rtp);
  // A datagram for a TCP path nobody holds is dropped and counted.
  onLoop([&] {
    server_->send(pool_.copyOf(rtp), SocketAddress::parse("127.0.0.1", 1)->withTransport(SocketAddress::Transport::kTcp));
    return 0;
  });
  EXPECT_EQ(onLoop([&] { return server_->drops().get(DropReason::kTcpClosed); }), 1u);
}

TEST_F(IceTcpServerTest, MediaBeforeAuthenticationIsClosed) {
  start();
  Client c(port());
  c.sendFrame(std::vector<uint8_t>{0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9});
  EXPECT_TRUE(c.closedByServer());
  EXPECT_TRUE(eventually([&] { return server_->stats().closed[size_t(IceTcpClose::kBadFirstPacket)] == 1; }));
  EXPECT_EQ(sink_.got.size(), 0u);
}

TEST_F(IceTcpServerTest, UnknownUfragIsClosed) {
  start();
  Client c(port());
  c.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "nobody:peer"));
  EXPECT_TRUE(c.closedByServer());
  EXPECT_EQ(closed(IceTcpClose::kBadFirstPacket), 1u);
}

TEST_F(IceTcpServerTest, CheckNotAnsweredWithSuccessTimesOut) {
  IceTcpLimits l;
  l.authTimeoutUs = 300'000;
  start(l);
  sink_.answer = false;  // the agent refused it (bad MESSAGE-INTEGRITY, say)
  Client c(port());
  c.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closedByServer());
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 200ms);
  EXPECT_EQ(closed(IceTcpClose::kAuthTimeout), 1u);
}

TEST_F(IceTcpServerTest, SilentConnectionTimesOut) {
  IceTcpLimits l;
  l.authTimeoutUs = 300'000;
  start(l);
  Client c(port());
  EXPECT_TRUE(c.closedByServer());
  EXPECT_EQ(closed(IceTcpClose::kAuthTimeout), 1u);
}

TEST_F(IceTcpServerTest, FrameLargerThanADatagramIsClosed) {
  start();
  Client c(port());
  c.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
  ASSERT_TRUE(c.readFrame());
  const std::vector<uint8_t> header = {0xff, 0xff};  // 65535 bytes announced
  c.send(header);
  EXPECT_TRUE(c.closedByServer());
  EXPECT_EQ(closed(IceTcpClose::kFrameTooLarge), 1u);
}

TEST_F(IceTcpServerTest, ConnectionsPerWorkerAndUnauthenticatedAreBounded) {
  IceTcpLimits l;
  l.maxConnections = 3;
  l.maxPending = 2;
  start(l);
  Client a(port()), b(port());
  ASSERT_TRUE(eventually([&] { return server_->stats().pending == 2; }));
  Client refused(port());
  EXPECT_TRUE(refused.closedByServer());
  EXPECT_EQ(closed(IceTcpClose::kRefused), 1u);
  // Authenticated connections leave room for pending ones, up to the worker's cap.
  a.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
  ASSERT_TRUE(a.readFrame());
  Client d(port());
  ASSERT_TRUE(eventually([&] { return server_->stats().open == 3; }));
  Client over(port());
  EXPECT_TRUE(over.closedByServer());
  EXPECT_EQ(closed(IceTcpClose::kRefused), 2u);
}

TEST_F(IceTcpServerTest, ConnectionsPerSessionAreBounded) {
  IceTcpLimits l;
  l.maxPerSession = 2;
  start(l);
  Client a(port()), b(port()), c(port());
  for (Client* x : {&a, &b}) {
    x->sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
    ASSERT_TRUE(x->readFrame());
  }
  c.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
  EXPECT_TRUE(c.closedByServer());
  EXPECT_EQ(closed(IceTcpClose::kSessionLimit), 1u);
}

TEST_F(IceTcpServerTest, IdlePathIsClosedAndUnbound) {
  IceTcpLimits l;
  l.idleTimeoutUs = 400'000;
  start(l);
  Client c(port());
  c.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
  ASSERT_TRUE(c.readFrame());
  const SocketAddress path = onLoop([&] { return sink_.from.at(0); });
  onLoop([&] {
    demux_.bindAddress(path, sink_);
    return 0;
  });
  EXPECT_TRUE(c.closedByServer());
  EXPECT_EQ(closed(IceTcpClose::kIdle), 1u);
  EXPECT_EQ(onLoop([&] { return demux_.addressCount(); }), 0u);  // the path went away with it
}

// A peer that stops reading: whole packets are dropped at the buffer's bound (the framing
// stays intact), and once nothing has been written for a while the connection is closed.
TEST_F(IceTcpServerTest, ReaderThatStopsReadingIsBoundedThenClosed) {
  IceTcpLimits l;
  l.maxBufferedBytes = 64 * 1024;
  l.writeStallUs = 300'000;
  l.idleTimeoutUs = 60'000'000;
  start(l);
  Client c(port());
  c.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
  ASSERT_TRUE(c.readFrame());
  const SocketAddress path = onLoop([&] { return sink_.from.at(0); });
  const std::vector<uint8_t> packet(1200, 0x80);
  // Keep sending, a burst every few ms, until the kernel's socket buffers and ours are full
  // and nothing has been written for the stall time.
  bool stalled = false;
  int bursts = 0;
  for (; bursts < 3000 && !stalled; ++bursts) {
    stalled = onLoop([&] {
      for (int i = 0; i < 50; ++i) server_->send(pool_.copyOf(packet), path);
      return server_->stats().closed[size_t(IceTcpClose::kWriteStalled)] == 1;
    });
    std::this_thread::sleep_for(3ms);
  }
  EXPECT_TRUE(stalled);
  const auto backlog = onLoop([&] { return server_->drops().get(DropReason::kTcpBacklog); });
  EXPECT_GT(backlog, 0u);
  std::printf("# ice-tcp stalled reader: closed after %d bursts; %llu packets dropped at the 64 KiB bound\n", bursts,
              static_cast<unsigned long long>(backlog));
}

TEST_F(IceTcpServerTest, PeerCloseEndsThePath) {
  start();
  {
    Client c(port());
    c.sendFrame(stunMessage(wire::stun::StunClass::kRequest, "srv1:peer"));
    ASSERT_TRUE(c.readFrame());
  }
  EXPECT_TRUE(eventually([&] { return server_->stats().open == 0; }));
  EXPECT_EQ(closed(IceTcpClose::kPeerClosed), 1u);
}

}  // namespace
}  // namespace rtcgate::cluster
