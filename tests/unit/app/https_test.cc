// HTTPS and WSS end to end through the pieces the gateway wires: the config keys, a
// self-signed certificate made on first run, the TLS context and the HTTP server.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // Beast's client-side parser (see websocket_test)

#include <gtest/gtest.h>

#include <thread>
#include <unistd.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "app/config.h"
#include "app/http_setup.h"
#include "net/http_server.h"
#include "net/tls_context.h"
#include "net/websocket.h"

namespace rtcgate::app {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

struct Hello : net::SyncHttpHandler {
  net::HttpResponse respond(const net::HttpRequest& req, std::string_view) override {
    return net::makeResponse(req, http::status::ok, "hello\n");
  }
};

struct Echo final : net::WebSocketHandler, net::WebSocketListener {
  Decision accept(const net::HttpRequest&, std::string_view, std::shared_ptr<net::WebSocketChannel> ch) override {
    channel = std::move(ch);
    return static_cast<net::WebSocketListener*>(this);
  }
  void onMessage(std::string_view text) override { channel->send("echo " + std::string(text)); }
  void onClosed(uint16_t, std::string_view) override { channel.reset(); }
  std::shared_ptr<net::WebSocketChannel> channel;
};

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("rtcgate-https-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    config.httpListen = "";
    config.http.httpsListen = "127.0.0.1:0";
    config.http.tlsSelfSigned = true;
    config.http.tlsSelfSignedDir = (dir / "tls").string();
    config.http.hstsMaxAgeSeconds = 600;
    config.http.tlsHandshakeTimeoutSeconds = 1;
  }
  void start() {
    tls = tlsContextOf(config);
    ASSERT_NE(tls, nullptr);
    server = std::make_unique<net::HttpServer>(loop, httpLimitsOf(config));
    server->route(net::HttpMethod::get, "/", hello);
    server->routeWebSocket("/ws", echo);
    ASSERT_TRUE(server->listenTls(*SocketAddress::parse("127.0.0.1", 0), tls).ok());
    loop.start();
  }
  void TearDown() override {
    if (server) {
      loop.post([&] { server->close(); });
      loop.stop();
    }
    std::filesystem::remove_all(dir);
  }
  tcp::endpoint endpoint() const {
    return {boost::asio::ip::make_address("127.0.0.1"), server->tlsLocalAddress().port()};
  }
  // A client that trusts only our certificate and checks its name.
  ssl::context clientContext(int maxVersion = 0) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(config.http.tlsSelfSignedDir + "/cert.pem");
    ctx.set_verify_mode(ssl::verify_peer);
    if (maxVersion) SSL_CTX_set_max_proto_version(ctx.native_handle(), maxVersion);
    return ctx;
  }

  Config config;
  std::filesystem::path dir;
  std::shared_ptr<net::TlsContext> tls;
  net::EventLoop loop{"t"};
  std::unique_ptr<net::HttpServer> server;
  Hello hello;
  Echo echo;
  boost::asio::io_context io;
};

TEST_F(HttpsTest, KeepAliveOverTlsWithHsts) {
  start();
  auto ctx = clientContext();
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(stream).connect(endpoint());
  stream.handshake(ssl::stream_base::client);
  beast::flat_buffer buf;
  for (int i = 0; i < 3; ++i) {  // three requests on one connection
    http::request<http::empty_body> req{http::verb::get, "/", 11};
    req.keep_alive(true);
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res.body(), "hello\n");
    EXPECT_TRUE(res.keep_alive());
    EXPECT_EQ(res[http::field::strict_transport_security], "max-age=600");
  }
  EXPECT_EQ(server->counters().openConnections, 1u);
}

TEST_F(HttpsTest, OldTlsVersionsAreRefused) {
  start();
  auto ctx = clientContext(TLS1_1_VERSION);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);  // let the client even try TLS 1.1
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  beast::get_lowest_layer(stream).connect(endpoint());
  beast::error_code ec;
  stream.handshake(ssl::stream_base::client, ec);
  EXPECT_TRUE(ec) << "a TLS 1.1 handshake succeeded";
}

TEST_F(HttpsTest, WebSocketOverTls) {
  start();
  auto ctx = clientContext();
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(io, ctx);
  beast::get_lowest_layer(ws).connect(endpoint());
  ws.next_layer().handshake(ssl::stream_base::client);
  ws.handshake("localhost", "/ws");
  ws.write(boost::asio::buffer(std::string("hi")));
  beast::flat_buffer buf;
  ws.read(buf);
  EXPECT_EQ(beast::buffers_to_string(buf.data()), "echo hi");
  EXPECT_EQ(server->openWebSockets(), 1u);
  ws.close(websocket::close_code::normal);
}

// A client that connects and never completes its handshake is closed at the timeout.
TEST_F(HttpsTest, StalledHandshakeIsClosed) {
  start();
  tcp::socket raw(io);
  raw.connect(endpoint());
  const auto t0 = std::chrono::steady_clock::now();
  const uint8_t partial[3] = {0x16, 0x03, 0x01};  // the start of a ClientHello record, then nothing
  boost::asio::write(raw, boost::asio::buffer(partial));
  char byte;
  beast::error_code ec;
  raw.read_some(boost::asio::buffer(&byte, 1), ec);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(ec);
  EXPECT_GE(seconds, 0.9);
  EXPECT_LT(seconds, 3.0);
  // Counted on the server's thread around the close the client just saw: give it a moment.
  for (int i = 0; i < 100 && server->counters().tlsHandshakeTimeouts == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(server->counters().tlsHandshakeTimeouts, 1u);
}

// The seam for TURN over TLS on the HTTPS port: a claimant reads the whole ClientHello record in
// clear, declines, and the handshake still completes on the bytes already read.
struct ClientHelloPeek final : net::FirstBytesClaimant {
  Claim inspect(std::span<const uint8_t> bytes, bool tlsPort, const SocketAddress&) override {
    if (!tlsPort || bytes[0] != 0x16) return Claim::kDecline;  // not a TLS handshake record
    if (bytes.size() < 5) return Claim::kNeedMore;
    const size_t record = 5 + (size_t{bytes[3]} << 8 | bytes[4]);
    if (bytes.size() < record) return Claim::kNeedMore;
    seenBytes = bytes.size();
    clientHello = bytes.size() > 5 && bytes[5] == 0x01;  // handshake type 1
    return Claim::kDecline;
  }
  void take(tcp::socket, std::vector<uint8_t>, bool, const SocketAddress&, net::ClientSlot) override {}
  size_t seenBytes = 0;
  bool clientHello = false;
};

TEST_F(HttpsTest, AClaimantSeesTheClientHelloAndHttpsStillWorks) {
  ClientHelloPeek peek;
  tls = tlsContextOf(config);
  server = std::make_unique<net::HttpServer>(loop, httpLimitsOf(config));
  server->route(net::HttpMethod::get, "/", hello);
  server->setFirstBytesClaimant(&peek);
  ASSERT_TRUE(server->listenTls(*SocketAddress::parse("127.0.0.1", 0), tls).ok());
  loop.start();
  auto ctx = clientContext();
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  beast::get_lowest_layer(stream).connect(endpoint());
  stream.handshake(ssl::stream_base::client);
  http::request<http::empty_body> req{http::verb::get, "/", 11};
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_TRUE(peek.clientHello);
  EXPECT_GT(peek.seenBytes, 100u);
  EXPECT_EQ(server->counters().claimed, 0u);
}

TEST_F(HttpsTest, TheSelfSignedCertificateIsReusedByTheNextRun) {
  auto first = tlsContextOf(config);
  auto second = tlsContextOf(config);
  EXPECT_EQ(first->sha256Fingerprint(), second->sha256Fingerprint());
}

TEST(HttpsConfig, KeysAndMistakes) {
  const auto path = std::filesystem::temp_directory_path() / ("rtcgate-https-config-" + std::to_string(::getpid()));
  std::ofstream(path) << "https_listen = \"0.0.0.0:443\"\ntls_cert_file = \"/nonexistent/cert.pem\"\n"
                         "tls_key_file = \"/nonexistent/key.pem\"\nhsts_max_age_seconds = 31536000\n"
                         "http_header_timeout_seconds = 5\nhttp_client_connections_per_second = 2.5\n";
  Config c;
  loadConfigFile(path.string(), c);
  EXPECT_EQ(c.http.httpsListen, "0.0.0.0:443");
  EXPECT_EQ(c.http.hstsMaxAgeSeconds, 31536000);
  EXPECT_EQ(httpLimitsOf(c).headerTimeoutSeconds, 5);
  EXPECT_DOUBLE_EQ(httpLimitsOf(c).perClient.connectionsPerSecond, 2.5);
  EXPECT_THROW(tlsContextOf(c), std::runtime_error);  // the files do not exist
  std::ofstream(path) << "http_header_timeout_seconds = 0\n";
  EXPECT_THROW(loadConfigFile(path.string(), c), std::runtime_error);
  Config noHttps;
  noHttps.http.tlsSelfSigned = true;  // a certificate without https_listen is a mistake, said at start
  EXPECT_THROW(tlsContextOf(noHttps), std::runtime_error);
  Config noCert;
  noCert.http.httpsListen = "127.0.0.1:0";
  EXPECT_THROW(tlsContextOf(noCert), std::runtime_error);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace rtcgate::app
