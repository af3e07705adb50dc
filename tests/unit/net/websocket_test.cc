// GCC's sanitizer build sees a false "maybe uninitialized" in Beast's response parser, which
// only this test (a client) instantiates; the warning is raised where it is inlined, so it
// is off for the whole file.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "net/websocket.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <mutex>

#include "net/http_server.h"

namespace rtcgate::net {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// Echoes every message; "close" makes the server close with a reason; refuses "/ws/no".
struct EchoHandler final : WebSocketHandler, WebSocketListener {
  Decision accept(const HttpRequest& req, std::string_view rest, std::shared_ptr<WebSocketChannel> ch) override {
    if (rest == "no") return makeResponse(req, http::status::forbidden, "not you\n");
    channel = std::move(ch);
    channel->send("hello");
    return static_cast<WebSocketListener*>(this);
  }
  void onMessage(std::string_view text) override {
    if (text == "close") return channel->close(CloseCode::kPolicy, "asked to");
    channel->send(std::string(text));
  }
  void onClosed(uint16_t code, std::string_view reason) override {
    std::lock_guard lock(mu);
    closedCode = code;
    closedReason = std::string(reason);
    channel.reset();
    closed.set_value();
  }
  std::shared_ptr<WebSocketChannel> channel;
  std::mutex mu;
  uint16_t closedCode = 0;
  std::string closedReason;
  std::promise<void> closed;
};

class WebSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.routeWebSocket("/ws/", handler);
    server.setWebSocketLimits(WebSocketLimits{.maxMessageBytes = 1000});
    ASSERT_TRUE(server.listen(*SocketAddress::parse("127.0.0.1", 0)).ok());
    loop.start();
  }
  void TearDown() override {
    loop.post([&] { server.close(); });
    loop.stop();
  }
  // A connected client, past the handshake, with the greeting read.
  std::unique_ptr<websocket::stream<tcp::socket>> connect(const std::string& path) {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(io);
    ws->next_layer().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.localAddress().port()));
    ws->handshake("127.0.0.1", path);
    EXPECT_EQ(readText(*ws), "hello");
    return ws;
  }
  static std::string readText(websocket::stream<tcp::socket>& ws) {
    beast::flat_buffer buf;
    ws.read(buf);
    return beast::buffers_to_string(buf.data());
  }
  // Reads until the server's close frame; returns the error the read ended with.
  static beast::error_code readUntilClosed(websocket::stream<tcp::socket>& ws) {
    beast::flat_buffer buf;
    beast::error_code ec;
    while (!ec) ws.read(buf, ec);
    return ec;
  }

  EventLoop loop{"t"};
  HttpServer server{loop};
  EchoHandler handler;
  boost::asio::io_context io;
};

TEST_F(WebSocketTest, EchoesTextAndClosesWithTheClientsReason) {
  auto ws = connect("/ws/room");
  ws->write(boost::asio::buffer(std::string("ping")));
  EXPECT_EQ(readText(*ws), "ping");
  ws->close(websocket::close_reason(websocket::close_code::normal, "bye"));
  handler.closed.get_future().wait();
  EXPECT_EQ(handler.closedCode, 1000);
  EXPECT_EQ(handler.closedReason, "bye");
}

TEST_F(WebSocketTest, ServerCloseCarriesCodeAndReason) {
  auto ws = connect("/ws/room");
  ws->write(boost::asio::buffer(std::string("close")));
  EXPECT_EQ(readUntilClosed(*ws), websocket::error::closed);
  EXPECT_EQ(ws->reason().code, 1008);
  EXPECT_EQ(std::string(ws->reason().reason.c_str()), "asked to");
  handler.closed.get_future().wait();
}

TEST_F(WebSocketTest, OversizedMessageIsDiscardedAndClosedWith1009) {
  auto ws = connect("/ws/room");
  ws->write(boost::asio::buffer(std::string(5000, 'x')));
  EXPECT_EQ(readUntilClosed(*ws), websocket::error::closed);
  EXPECT_EQ(ws->reason().code, 1009);
  EXPECT_EQ(std::string(ws->reason().reason.c_str()), "message larger than 1000 bytes");
  handler.closed.get_future().wait();
}

TEST_F(WebSocketTest, BinaryFrameClosesWith1003) {
  auto ws = connect("/ws/room");
  ws->binary(true);
  ws->write(boost::asio::buffer(std::string("\x01\x02", 2)));
  EXPECT_EQ(readUntilClosed(*ws), websocket::error::closed);
  EXPECT_EQ(ws->reason().code, 1003);
  handler.closed.get_future().wait();
}

TEST_F(WebSocketTest, RefusedUpgradeGetsTheHandlersStatus) {
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.localAddress().port()));
  HttpRequest req{http::verb::get, "/ws/no", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "upgrade");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(http::field::sec_websocket_version, "13");
  http::write(stream, req);
  beast::flat_buffer buf;
  HttpResponse res;
  http::read(stream, buf, res);
  EXPECT_EQ(res.result(), http::status::forbidden);
  EXPECT_EQ(res.body(), "not you\n");
}

TEST_F(WebSocketTest, DroppedConnectionIsReportedAs1006) {
  auto ws = connect("/ws/room");
  ws->next_layer().close();
  handler.closed.get_future().wait();
  EXPECT_EQ(handler.closedCode, 1006);
}

}  // namespace
}  // namespace rtcgate::net
