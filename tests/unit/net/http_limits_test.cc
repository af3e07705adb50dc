// The HTTP listener's limits over real sockets: header and idle timeouts, per-client
// admission, lingering close after a refused body, and the first-bytes seam.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "net/http_server.h"

namespace rtcgate::net {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock_ = std::chrono::steady_clock;

struct Ok : SyncHttpHandler {
  HttpResponse respond(const HttpRequest& req, std::string_view) override {
    return makeResponse(req, http::status::ok, "ok " + std::to_string(req.body().size()) + "\n");
  }
};

class HttpLimitsTest : public ::testing::Test {
 protected:
  void start(HttpLimits limits) {
    server = std::make_unique<HttpServer>(loop, limits);
    server->route(HttpMethod::post, "/", ok);
    server->route(HttpMethod::get, "/", ok);
    ASSERT_TRUE(server->listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
    loop.start();
  }
  void TearDown() override {
    loop.post([&] { server->close(); });
    loop.stop();
  }
  // The counters as the loop thread sees them once the handlers already queued have run:
  // beast's timer closes the socket (the client reads EOF) before the read's handler counts.
  HttpCounters counters() {
    std::promise<HttpCounters> got;
    loop.post([&] { got.set_value(server->counters()); });
    return got.get_future().get();
  }
  tcp::endpoint endpoint() const {
    return {boost::asio::ip::make_address("127.0.0.1"), server->localAddress().port()};
  }
  std::unique_ptr<tcp::socket> connect() {
    auto s = std::make_unique<tcp::socket>(io);
    s->connect(endpoint());
    const timeval wait{20, 0};  // a server that never closes fails the test instead of hanging it
    setsockopt(s->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    setsockopt(s->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait);
    return s;
  }
  // Reads until the server closes; returns what it sent.
  static std::string readAll(tcp::socket& s, boost::system::error_code& ec) {
    std::string out;
    char buf[4096];
    for (;;) {
      const size_t n = s.read_some(boost::asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) return out;
    }
  }
  HttpResponse get(tcp::socket& s, const std::string& target = "/") {
    HttpRequest req{http::verb::get, target, 11};
    req.keep_alive(true);
    http::write(s, req);
    HttpResponse res;
    http::read(s, buffer, res);
    return res;
  }

  EventLoop loop{"t"};
  boost::asio::io_context io;
  std::unique_ptr<HttpServer> server;
  Ok ok;
  boost::beast::flat_buffer buffer;
};

// Slowloris: a client that trickles its headers is closed at the header timeout, while
// a normal client is served meanwhile.
TEST_F(HttpLimitsTest, TricklingHeadersAreClosedAtTheHeaderTimeout) {
  start(HttpLimits{.headerTimeoutSeconds = 1});
  auto slow = connect();
  const auto t0 = Clock_::now();
  boost::system::error_code ec;
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\n";
  std::thread trickler([&] {
    for (int i = 0; i < 30; ++i) {
      boost::system::error_code wec;
      boost::asio::write(*slow, boost::asio::buffer("X-A: b\r\n", 8), wec);
      if (wec) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  boost::asio::write(*slow, boost::asio::buffer(head));
  auto normal = connect();
  EXPECT_EQ(get(*normal).result(), http::status::ok);
  const std::string got = readAll(*slow, ec);
  const double seconds = std::chrono::duration<double>(Clock_::now() - t0).count();
  trickler.join();
  EXPECT_TRUE(got.empty()) << got;
  EXPECT_GE(seconds, 0.9);
  EXPECT_LT(seconds, 2.5);
  EXPECT_EQ(counters().headerTimeouts, 1u);
}

// A new connection that sends nothing is closed at the header timeout too; a kept-alive one
// that goes quiet after an answer at the idle timeout.
TEST_F(HttpLimitsTest, SilentAndIdleConnectionsAreClosed) {
  start(HttpLimits{.idleTimeoutSeconds = 1, .headerTimeoutSeconds = 1});
  auto silent = connect();
  auto idle = connect();
  EXPECT_EQ(get(*idle).result(), http::status::ok);
  EXPECT_EQ(get(*idle).result(), http::status::ok);  // keep-alive kept
  const auto t0 = Clock_::now();
  boost::system::error_code ec1, ec2;
  readAll(*silent, ec1);
  readAll(*idle, ec2);
  const double seconds = std::chrono::duration<double>(Clock_::now() - t0).count();
  EXPECT_EQ(ec1, boost::asio::error::eof);
  EXPECT_EQ(ec2, boost::asio::error::eof);
  EXPECT_LT(seconds, 2.5);
  EXPECT_EQ(counters().headerTimeouts, 1u);
}

// A client that sends its whole oversized body before reading (as Node's fetch does) still
// reads the 413: the server drains the rest instead of resetting the connection.
TEST_F(HttpLimitsTest, OversizedBodySentWholeStillReadsThe413) {
  start(HttpLimits{.maxBodyBytes = 1000});
  auto s = connect();
  const size_t size = 4 * 1024 * 1024;
  const std::string head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/sdp\r\nContent-Length: " +
                           std::to_string(size) + "\r\n\r\n";
  boost::asio::write(*s, boost::asio::buffer(head));
  const std::string body(size, 'a');
  boost::system::error_code wec;
  boost::asio::write(*s, boost::asio::buffer(body), wec);
  EXPECT_FALSE(wec) << "the server reset the connection while the body was sent: " << wec.message();
  boost::system::error_code ec;
  const std::string got = readAll(*s, ec);
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
  EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << got.substr(0, 200);
  EXPECT_EQ(counters().bodyTooLarge, 1u);
}

// Headers over the bound get 431, not a generic 400.
TEST_F(HttpLimitsTest, OversizedHeadersGet431) {
  start(HttpLimits{.maxHeaderBytes = 2048});
  auto s = connect();
  const std::string req = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'b') + "\r\n\r\n";
  boost::asio::write(*s, boost::asio::buffer(req));
  boost::system::error_code ec;
  const std::string got = readAll(*s, ec);
  EXPECT_EQ(got.rfind("HTTP/1.1 431", 0), 0u) << got.substr(0, 200);
}

// Past its bucket a client's new connections are closed at once and counted; the ones it
// opened before are still served.
TEST_F(HttpLimitsTest, ClientOverItsConnectionRateIsClosedAtOnce) {
  HttpLimits limits;
  limits.perClient = ClientLimits{.connectionsPerSecond = 0.01, .connectionBurst = 3, .exemptLoopback = false};
  start(limits);
  std::vector<std::unique_ptr<tcp::socket>> admitted;
  for (int i = 0; i < 3; ++i) admitted.push_back(connect());
  for (auto& s : admitted) EXPECT_EQ(get(*s).result(), http::status::ok);
  auto refused = connect();
  boost::system::error_code ec;
  readAll(*refused, ec);
  EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) << ec.message();
  EXPECT_EQ(counters().refusedClientRate, 1u);
  EXPECT_EQ(get(*admitted[0]).result(), http::status::ok);
}

TEST_F(HttpLimitsTest, ClientOverItsOpenConnectionsIsClosedAtOnce) {
  HttpLimits limits;
  limits.perClient = ClientLimits{.maxOpenPerClient = 2, .exemptLoopback = false};
  start(limits);
  auto a = connect();
  auto b = connect();
  EXPECT_EQ(get(*a).result(), http::status::ok);
  EXPECT_EQ(get(*b).result(), http::status::ok);
  auto c = connect();
  boost::system::error_code ec;
  readAll(*c, ec);
  EXPECT_EQ(counters().refusedClientOpen, 1u);
  a->close();
  for (int i = 0; i < 100 && server->openConnections() > 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto d = connect();
  EXPECT_EQ(get(*d).result(), http::status::ok);
}

// The seam for a protocol sharing the port: a claimant sees the first bytes and takes the
// connections that start like STUN; HTTP keeps the others.
struct StunClaimant final : FirstBytesClaimant {
  Claim inspect(std::span<const uint8_t> bytes, bool, const SocketAddress&) override {
    if (bytes[0] > 1) return Claim::kDecline;  // STUN's first two bits are 0
    return bytes.size() < 4 ? Claim::kNeedMore : Claim::kTake;
  }
  void take(tcp::socket socket, std::vector<uint8_t> bytes, bool, const SocketAddress&, ClientSlot) override {
    std::string answer = "took " + std::to_string(bytes.size());
    boost::asio::write(socket, boost::asio::buffer(answer));
    socket.close();
  }
};

TEST_F(HttpLimitsTest, FirstBytesClaimantTakesItsConnections) {
  StunClaimant claimant;
  server = nullptr;
  HttpLimits limits;
  server = std::make_unique<HttpServer>(loop, limits);
  server->route(HttpMethod::get, "/", ok);
  server->setFirstBytesClaimant(&claimant);
  ASSERT_TRUE(server->listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
  loop.start();
  auto stun = connect();
  const uint8_t header[2] = {0x00, 0x01};
  boost::asio::write(*stun, boost::asio::buffer(header, 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  boost::asio::write(*stun, boost::asio::buffer(header, 2));  // kNeedMore, then the rest
  boost::system::error_code ec;
  EXPECT_EQ(readAll(*stun, ec), "took 4");
  auto web = connect();
  EXPECT_EQ(get(*web).result(), http::status::ok);
  EXPECT_EQ(get(*web).result(), http::status::ok);
  EXPECT_EQ(counters().claimed, 1u);
}

}  // namespace
}  // namespace rtcgate::net
