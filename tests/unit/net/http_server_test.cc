#include "net/http_server.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rtcgate::net
