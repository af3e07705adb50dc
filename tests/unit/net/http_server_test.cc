#include "net/http_server.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <thread>

namespace rtcgate::net {
namespace {

namespace http = boost::beast::http;

struct Echo : SyncHttpHandler {
  HttpResponse respond(const HttpRequest& req, std::string_view rest) override {
    return makeResponse(req, http::status::ok, std::string(rest) + "|" + req.body());
  }
};
struct Thrower : SyncHttpHandler {
  HttpResponse respond(const HttpRequest&, std::string_view) override { throw std::runtime_error("boom"); }
};

HttpRequest request(HttpMethod m, std::string target, std::string body = "") {
  HttpRequest r{m, target, 11};
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

TEST(HttpServer, DispatchesByMethodAndPrefix) {
  EventLoop loop("t");
  HttpServer server(loop);
  Echo echo;
  Thrower thrower;
  server.route(HttpMethod::post, "/echo/", echo);
  server.route(HttpMethod::get, "/boom", thrower);
  auto r = *server.dispatchNow(request(HttpMethod::post, "/echo/abc?x=1", "hi"));
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(r.body(), "abc|hi");
  EXPECT_EQ(server.dispatchNow(request(HttpMethod::get, "/echo/abc"))->result(), http::status::not_found);
  EXPECT_EQ(server.dispatchNow(request(HttpMethod::get, "/boom"))->result(), http::status::internal_server_error);
}

// A real client over TCP: an oversized body gets 413, the server keeps serving.
TEST(HttpServer, OversizedBodyGets413OverTheWire) {
  EventLoop loop("t");
  HttpServer server(loop, HttpLimits{.maxBodyBytes = 100});
  Echo echo;
  server.route(HttpMethod::post, "/echo/", echo);
  ASSERT_TRUE(server.listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
  loop.start();
  auto roundTrip = [&](std::string body) {
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                  server.localAddress().port()));
    auto req = request(HttpMethod::post, "/echo/x", std::move(body));
    http::write(stream, req);
    boost::beast::flat_buffer buf;
    HttpResponse res;
    http::read(stream, buf, res);
    return res;
  };
  EXPECT_EQ(roundTrip(std::string(1000, 'a')).result(), http::status::payload_too_large);
  auto ok = roundTrip("small");
  EXPECT_EQ(ok.result(), http::status::ok);
  EXPECT_EQ(ok.body(), "x|small");
  loop.post([&] { server.close(); });
  loop.stop();
}


// Connections over the cap are closed at once; the ones inside it are served.
TEST(HttpServer, ConnectionsOverTheCapAreClosed) {
  EventLoop loop("t");
  HttpServer server(loop, HttpLimits{.maxConnections = 2});
  ASSERT_TRUE(server.listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
  loop.start();
  const boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), server.localAddress().port());
  boost::asio::io_context io;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::socket>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<boost::asio::ip::tcp::socket>(io));
    held.back()->connect(ep);
  }
  for (int i = 0; i < 50 && server.openConnections() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  boost::asio::ip::tcp::socket third(io);
  third.connect(ep);
  const timeval wait{3, 0};  // a server that keeps it open fails the test instead of hanging it
  setsockopt(third.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char byte;
  boost::system::error_code ec;
  third.read_some(boost::asio::buffer(&byte, 1), ec);  // closed by the server, not left hanging
  EXPECT_EQ(ec, boost::asio::error::eof);
  loop.stop();
  EXPECT_EQ(server.connectionsRefused(), 1u);
}

// Out of file descriptors, accept fails with EMFILE while the connection stays queued: the
// loop used to retry at once, for ever, at 100 % CPU.
TEST(HttpServer, OutOfDescriptorsAcceptRetriesWithoutSpinning) {
  EventLoop loop("t");
  HttpServer server(loop);
  ASSERT_TRUE(server.listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket client(io);
  client.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.localAddress().port()));
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = old;
  low.rlim_cur = std::min<rlim_t>(old.rlim_cur, 4096);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fds;
  for (int fd; (fd = dup(STDERR_FILENO)) >= 0;) fds.push_back(fd);
  loop.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  loop.stop();
  for (int fd : fds) ::close(fd);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
  EXPECT_GE(server.acceptErrors(), 1u);
  EXPECT_LE(server.acceptErrors(), 10u) << "accept retried without a pause";
}

}  // namespace
}  // namespace rtcgate::net
