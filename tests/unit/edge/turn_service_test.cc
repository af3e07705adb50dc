// TurnService on real sockets: one port number for UDP and TCP, a challenge on each, and a
// TCP client whose stream is not TURN is cut off.
#include "edge/turn_service.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <thread>

#include "wire/stun/builder.h"
#include "wire/stun/message.h"

namespace rtcgate::edge {
namespace {

namespace stun = wire::stun;

std::vector<uint8_t> unsignedAllocate() {
  std::array<uint8_t, 64> buf{};
  stun::TransactionId tid{};
  tid[0] = 7;
  stun::StunBuilder b(buf, static_cast<uint16_t>(stun::StunMethod::kAllocate), stun::StunClass::kRequest,
                      tid);
  b.addRequestedTransport(17);
  auto out = b.finish();
  return {out->begin(), out->end()};
}

// A socket of `type` connected to 127.0.0.1:port with a 2 s receive timeout.
int connectTo(int type, uint16_t port) {
  const int fd = ::socket(AF_INET, type, 0);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  return fd;
}

uint16_t errorCodeOf(const uint8_t* data, ssize_t n) {
  if (n <= 0) return 0;
  auto m = stun::StunMessage::parse({data, static_cast<size_t>(n)});
  return m.ok() && m->errorCode() ? m->errorCode()->code : 0;
}

class TurnServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TurnServiceOptions o;
    o.listen = *SocketAddress::parse("127.0.0.1", 0);
    o.relayIp = *SocketAddress::parse("127.0.0.1", 0);
    o.server.secret = "s";
    service_ = std::make_unique<TurnService>(o);
    ASSERT_TRUE(service_->start({}).ok());
  }
  void TearDown() override { service_->stop(); }
  std::unique_ptr<TurnService> service_;
};

TEST_F(TurnServiceTest, ChallengesOverUdpAndTcpOnOnePort) {
  const uint16_t port = service_->udpAddress().port();
  EXPECT_EQ(service_->tcpAddress().port(), port);
  const auto request = unsignedAllocate();
  std::array<uint8_t, 1500> in{};

  const int udp = connectTo(SOCK_DGRAM, port);
  ASSERT_EQ(::send(udp, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  EXPECT_EQ(errorCodeOf(in.data(), ::recv(udp, in.data(), in.size(), 0)), 401);
  ::close(udp);

  // Over TCP the request arrives in two pieces; the answer is one framed message.
  const int tcp = connectTo(SOCK_STREAM, port);
  ASSERT_EQ(::send(tcp, request.data(), 5, 0), 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(::send(tcp, request.data() + 5, request.size() - 5, 0), static_cast<ssize_t>(request.size() - 5));
  std::array<uint8_t, 20> header{};
  ASSERT_EQ(::recv(tcp, header.data(), header.size(), MSG_WAITALL), 20);
  const size_t length = static_cast<size_t>(header[2]) << 8 | header[3];
  std::copy(header.begin(), header.end(), in.begin());
  ASSERT_EQ(::recv(tcp, in.data() + 20, length, MSG_WAITALL), static_cast<ssize_t>(length));
  EXPECT_EQ(errorCodeOf(in.data(), static_cast<ssize_t>(20 + length)), 401);
  ::close(tcp);
}

TEST_F(TurnServiceTest, AStreamThatIsNotTurnIsClosed) {
  const int tcp = connectTo(SOCK_STREAM, service_->udpAddress().port());
  const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";  // 'G' = 0x47 looks like ChannelData; its length
                                                            // "T " (0x5420) is over 4 KiB
  ASSERT_GT(::send(tcp, http, sizeof http - 1, 0), 0);
  std::array<uint8_t, 16> in{};
  EXPECT_EQ(::recv(tcp, in.data(), in.size(), 0), 0);  // orderly close, no answer
  ::close(tcp);
  const int tls = connectTo(SOCK_STREAM, service_->udpAddress().port());
  const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00};
  ASSERT_GT(::send(tls, hello, sizeof hello, 0), 0);
  EXPECT_EQ(::recv(tls, in.data(), in.size(), 0), 0);
  ::close(tls);
}

}  // namespace
}  // namespace rtcgate::edge
